package dev.endoreward.cli;

import dev.endoreward.spark.ScoreJob;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The {@code endoreward} command line: {@code endoreward score --model DIR --input PATH --output DIR}, the
 * curation commands over a score output ({@code filter}, {@code best-of-n}, {@code pairs}, {@code offline-rl})
 * and {@code eval} on preference data.
 */
@Command(name = "endoreward", description = "Endogenous-reward scoring of prompt/response pairs on Spark.")
public final class Main implements Callable<Integer> {
  /** The system property naming the installation folder, whose conf/score.properties is the default file. */
  public static final String HOME_PROPERTY = "endoreward.home";
  /** The system property naming the run's log file, where failures' stack traces go; unset when there is none. */
  public static final String LOG_FILE_PROPERTY = "endoreward.log.file";

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Shows this help.")
  private boolean help;

  @Spec
  private CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine(ScoreJob::run, SparkSessionFactory.fromSparkSettings(), SettingsOptions.defaultConfFile("score")).execute(args));
  }

  /**
   * The command line with its subcommands, {@code score} wired to {@code runner}, all of them to {@code sessions}.
   * Command-line errors print a "Cannot ..." line and exit with {@link ExitCodes#CONFIG_ERROR}.
   */
  static CommandLine commandLine(ScoreRunner runner, SparkSessionFactory sessions, Path defaultConfFile) {
    CommandLine commandLine = new CommandLine(new Main())
        .addSubcommand(new ScoreCommand(runner, sessions, defaultConfFile))
        .addSubcommand(new FilterCommand(sessions))
        .addSubcommand(new BestOfNCommand(sessions))
        .addSubcommand(new PairsCommand(sessions))
        .addSubcommand(new OfflineRlCommand(sessions))
        .addSubcommand(new EvalCommand(sessions))
        .addSubcommand(new ReportCommand(sessions));
    commandLine.setExpandAtFiles(false);
    commandLine.setParameterExceptionHandler(Main::parameterError);
    return commandLine;
  }


  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    err.println("Cannot run without a command: use one of " + String.join(", ", spec.subcommands().keySet()));
    spec.commandLine().usage(err);
    return ExitCodes.CONFIG_ERROR;
  }

  private static int parameterError(ParameterException e, String[] args) {
    CommandLine commandLine = e.getCommandLine();
    PrintWriter err = commandLine.getErr();
    err.println("Cannot parse the command line: " + e.getMessage());
    UnmatchedArgumentException.printSuggestions(e, err);
    err.println("See '" + commandLine.getCommandSpec().qualifiedName() + " --help' for the options.");
    return ExitCodes.CONFIG_ERROR;
  }
}

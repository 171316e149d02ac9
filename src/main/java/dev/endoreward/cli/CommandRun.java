package dev.endoreward.cli;

import java.io.PrintWriter;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Model.CommandSpec;

/**
 * How every command runs: its configuration is validated before Spark starts (a bad one prints its line and
 * exits {@link ExitCodes#CONFIG_ERROR}), then the job runs on a session of its own and its result line goes to
 * stdout; any failure from there on is reported by {@link FailureReport}.
 */
final class CommandRun {
  /** A command's job: what it does with the session and its configuration, and the line it prints. */
  @FunctionalInterface
  interface Job<C> {
    String run(SparkSession spark, C config) throws Exception;
  }

  private CommandRun() {}

  /**
   * @param activity what the command does, completing "Cannot finish ...", e.g. "scoring"
   * @return the exit code
   */
  static <C> int execute(CommandSpec spec, Supplier<C> config, SparkSessionFactory sessions, Job<C> job,
      String activity, boolean verbose) {
    PrintWriter err = spec.commandLine().getErr();
    C validated;
    try {
      validated = config.get();
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      return ExitCodes.CONFIG_ERROR;
    }
    try (SparkSession spark = sessions.open()) {
      spec.commandLine().getOut().println(job.run(spark, validated));
      return ExitCodes.OK;
    } catch (Exception | Error e) {
      // Errors too (a class that fails to initialise, memory): report them and exit, whatever threads remain.
      return FailureReport.report(e, activity, err, verbose);
    }
  }
}

package dev.endoreward.cli;

import dev.endoreward.spark.config.ScoreConfig;
import dev.endoreward.spark.config.ScoreKeys;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code score}: validates the configuration on the driver, and only then opens Spark and runs the job.
 * Configuration layers, each overriding the one before: the keys' defaults, the properties file, the
 * {@code --set} assignments, then {@code --model}, {@code --input}, {@code --output} and {@code --resume}.
 *
 * <p>A failure prints one line, "Cannot &lt;do X&gt;: &lt;why&gt;", and exits with {@link ExitCodes#CONFIG_ERROR}
 * when the user can fix it (the command line, configuration, model, input, output folder, credentials or an
 * unreachable store), or with {@link ExitCodes#RUNTIME_FAILURE} for anything else ({@link Failure}). Its stack
 * trace goes to the logger {@value FailureReport#LOGGER}, and to stderr only with {@code --verbose}; an internal
 * failure's line ends with the log file's path when the system property {@value Main#LOG_FILE_PROPERTY} names it.
 */
@Command(name = "score", sortOptions = false,
    description = "Scores prompt/response pairs with a causal LM and writes their endogenous reward.",
    footer = "%nExit codes: 0 done; 1 the job failed for another reason (the line says where the stack trace is);"
        + " 2 a mistake to fix: command line, configuration, model, input, output folder, credentials or"
        + " unreachable storage (the line says what to fix).")
final class ScoreCommand implements Callable<Integer> {
  @Option(names = "--model", paramLabel = "DIR", description = "Exported model folder (sets model.path).")
  private String model;

  @Option(names = "--input", paramLabel = "PATH",
      description = "Parquet or JSON Lines file, folder or glob, on any Hadoop file system (sets input.path).")
  private String input;

  @Option(names = "--output", paramLabel = "DIR", description = "Output folder (sets output.path).")
  private String output;

  @Option(names = "--resume",
      description = "Continues the incomplete run in the output folder, re-scoring only its uncommitted units"
          + " (sets output.resume); the settings, model and input must be those it started with.")
  private boolean resume;

  @Mixin
  private SettingsOptions settings;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Shows this help.")
  private boolean help;

  @Spec
  private CommandSpec spec;

  private final ScoreRunner runner;
  private final SparkSessionFactory sessions;
  private final Path defaultConfFile;

  ScoreCommand(ScoreRunner runner, SparkSessionFactory sessions, Path defaultConfFile) {
    this.runner = runner;
    this.sessions = sessions;
    this.defaultConfFile = defaultConfFile;
  }

  @Override
  public Integer call() {
    return CommandRun.execute(spec, this::loadConfig, sessions, (spark, config) -> runner.run(spark, config).describe(),
        "scoring", settings.verbose());
  }


  private ScoreConfig loadConfig() {
    return settings.builder(defaultConfFile)
        .with(ScoreKeys.MODEL_PATH, model)
        .with(ScoreKeys.INPUT_PATH, input)
        .with(ScoreKeys.OUTPUT_PATH, output)
        .with(ScoreKeys.OUTPUT_RESUME, resume ? "true" : null)
        .build();
  }
}

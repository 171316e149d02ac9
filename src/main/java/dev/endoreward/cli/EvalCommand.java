package dev.endoreward.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.endoreward.eval.EvalConfig;
import dev.endoreward.eval.EvalJob;
import dev.endoreward.eval.EvalKeys;
import dev.endoreward.spark.config.ScoreKeys;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code eval}: see {@link EvalJob}. It validates its configuration (the keys' defaults, then {@code --conf}
 * or {@code conf/eval.properties}, then {@code --set}, then the flags) before Spark starts, and exits with
 * {@link ExitCodes#CONFIG_ERROR} for a bad configuration or an input, model or output refused on the driver,
 * with {@link ExitCodes#RUNTIME_FAILURE} for any other failure, each reported as {@code score}'s are
 * ({@link FailureReport}). On success it prints a summary as one JSON line.
 */
@Command(name = "eval", sortOptions = false,
    description = "Measures how often the reward prefers the chosen response of preference data.",
    footer = "%nExit codes: 0 done, 1 the job failed, 2 bad command line, configuration, input, model or output"
        + " folder.")
final class EvalCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = "--model", paramLabel = "DIR", description = "The exported model folder (sets model.path).")
  private String model;

  @Option(names = "--input", paramLabel = "PATH", description = "The preference data, a file or folder (sets input.path).")
  private String input;

  @Option(names = "--format", paramLabel = "FORMAT",
      description = "hh-rlhf, llmbar, rewardbench or rm-bench (sets eval.format).")
  private String format;

  @Option(names = "--output", paramLabel = "DIR", description = "Output folder (sets output.path).")
  private String output;

  @Mixin
  private SettingsOptions settings;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Shows this help.")
  private boolean help;

  @Spec
  private CommandSpec spec;

  private final SparkSessionFactory sessions;

  EvalCommand(SparkSessionFactory sessions) {
    this.sessions = sessions;
  }

  @Override
  public Integer call() {
    return CommandRun.execute(spec, this::loadConfig, sessions,
        (spark, config) -> JSON.writeValueAsString(EvalJob.run(spark, config)), "evaluating", settings.verbose());
  }


  private EvalConfig loadConfig() {
    return settings.builder(SettingsOptions.defaultConfFile(spec.name()))
        .with(ScoreKeys.MODEL_PATH, model)
        .with(EvalKeys.INPUT_PATH, input)
        .with(EvalKeys.FORMAT, format)
        .with(EvalKeys.OUTPUT_PATH, output)
        .build(EvalConfig::fromMap);
  }

}

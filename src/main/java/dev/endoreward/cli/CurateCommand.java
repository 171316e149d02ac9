package dev.endoreward.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.endoreward.curate.CurateKeys;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * A curation command: reads a complete {@code score} output and writes a curated one. Like {@code score},
 * it validates its configuration (the keys' defaults, then {@code --conf} or {@code conf/<command>.properties},
 * then {@code --set}, then {@code --input} and {@code --output}) before Spark starts, and exits with
 * {@link ExitCodes#CONFIG_ERROR} for a bad configuration or an input or output refused on the driver, with
 * {@link ExitCodes#RUNTIME_FAILURE} for any other failure, each reported as {@code score}'s are
 * ({@link FailureReport}). On success it prints the report as one JSON line.
 *
 * @param <C> the command's validated configuration
 */
abstract class CurateCommand<C> implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = "--input", paramLabel = "DIR", description = "A complete score output folder (sets input.path).")
  private String input;

  @Option(names = "--output", paramLabel = "DIR", description = "Output folder (sets output.path).")
  private String output;

  @Mixin
  private SettingsOptions settings;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Shows this help.")
  private boolean help;

  @Spec
  private CommandSpec spec;

  private final SparkSessionFactory sessions;

  CurateCommand(SparkSessionFactory sessions) {
    this.sessions = sessions;
  }

  /** Validates the collected values into the command's configuration. */
  abstract C parse(Map<String, String> values);

  /** Runs the command; returns its report. */
  abstract Map<String, Object> run(SparkSession spark, C config);

  /** What the command was doing, completing "Cannot finish ...", e.g. "filtering". */
  abstract String activity();

  @Override
  public Integer call() {
    return CommandRun.execute(spec, this::loadConfig, sessions, (spark, config) -> line(run(spark, config)),
        activity(), settings.verbose());
  }


  private C loadConfig() {
    return settings.builder(SettingsOptions.defaultConfFile(spec.name()))
        .with(CurateKeys.INPUT_PATH, input)
        .with(CurateKeys.OUTPUT_PATH, output)
        .build(this::parse);
  }

  private static String line(Map<String, Object> report) throws JsonProcessingException {
    return JSON.writeValueAsString(report);
  }
}

package dev.endoreward.report;

import dev.endoreward.Rule;
import dev.endoreward.spark.config.ConfigException;
import dev.endoreward.spark.config.ConfigKey;
import dev.endoreward.spark.config.OutputMode;
import java.util.List;
import java.util.Map;

/**
 * Every configuration key of the {@code report} command: name, documentation, type, default and rule, each
 * said once, here. Any other key is refused.
 */
public final class ReportKeys {
  public static final ConfigKey<String> INPUT_PATH = ConfigKey.text("input.path",
      "A complete score output folder (with _SUCCESS), on any Hadoop file system.", null);

  public static final ConfigKey<String> OUTPUT_PATH = ConfigKey.text("output.path",
      "The HTML file to write.", null);

  public static final ConfigKey<OutputMode> OUTPUT_MODE = ConfigKey.choice("output.mode",
      "What to do when the HTML file exists: error-if-exists or overwrite.", OutputMode.class,
      OutputMode.ERROR_IF_EXISTS);

  public static final ConfigKey<String> EVAL_PATH = ConfigKey.text("report.eval",
      "A complete eval output folder whose accuracy the report shows; unset by default.", null);

  public static final ConfigKey<Integer> BINS = ConfigKey.wholeNumber("report.bins",
      "Bars of each histogram.", 40, Rule.of("in [2, 200]", value -> value >= 2 && value <= 200));

  public static final ConfigKey<Integer> SCATTER_ROWS = ConfigKey.wholeNumber("report.scatter-rows",
      "Rows plotted in reward against response length at most; a larger output is sampled by the hash of the id.",
      2000, Rule.of("in [1, 20000]", value -> value >= 1 && value <= 20000));

  public static final ConfigKey<Integer> PROMPTS = ConfigKey.wholeNumber("report.prompts",
      "Prompts listed with the widest spread (best minus worst reward).", 20,
      Rule.of("in [1, 200]", value -> value >= 1 && value <= 200));

  public static final ConfigKey<Integer> EXAMPLES = ConfigKey.wholeNumber("report.examples",
      "Top and bottom examples by reward, each with its token heatmap.", 5,
      Rule.of("in [1, 50]", value -> value >= 1 && value <= 50));

  public static final ConfigKey<Integer> MAX_TEXT_CHARS = ConfigKey.wholeNumber("report.max-text-chars",
      "Characters of an example's prompt and of its response shown at most; longer text is cut and marked.", 2000,
      Rule.of("in [100, 100000]", value -> value >= 100 && value <= 100000));

  public static final ConfigKey<Integer> MAX_TOKENS = ConfigKey.wholeNumber("report.max-tokens",
      "Response tokens of an example's heatmap at most; the rest are counted, not shown.", 512,
      Rule.of("in [16, 8192]", value -> value >= 16 && value <= 8192));

  /** Every key, in documentation order. */
  public static final List<ConfigKey<?>> ALL = List.of(INPUT_PATH, OUTPUT_PATH, OUTPUT_MODE, EVAL_PATH, BINS,
      SCATTER_ROWS, PROMPTS, EXAMPLES, MAX_TEXT_CHARS, MAX_TOKENS);

  private ReportKeys() {}

  static <T> T get(Map<String, String> values, ConfigKey<T> key) {
    return key.parse(values.get(key.name()));
  }

  /** @throws ConfigException for a key that is not one of {@link #ALL} */
  static void refuseUnknown(Map<String, String> values) {
    List<String> names = ALL.stream().map(ConfigKey::name).toList();
    for (String key : values.keySet()) {
      if (!names.contains(key)) {
        throw new ConfigException(key, "Cannot use unknown key '" + key
            + "': conf/report.properties lists every key of report");
      }
    }
  }
}

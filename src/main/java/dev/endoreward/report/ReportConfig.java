package dev.endoreward.report;

import static dev.endoreward.report.ReportKeys.get;

import dev.endoreward.spark.config.ConfigException;
import dev.endoreward.spark.config.ConfigKey;
import dev.endoreward.spark.config.OutputMode;
import java.util.Map;

/**
 * The validated settings of {@code report}.
 *
 * @param input a complete score output folder
 * @param output the HTML file to write
 * @param mode what to do when the file exists ({@link OutputMode#APPEND} is refused)
 * @param eval a complete eval output folder, or null
 * @param limits how much of the data the page shows
 */
public record ReportConfig(String input, String output, OutputMode mode, String eval, ReportLimits limits) {
  /** @throws ConfigException for an unknown key, a bad value, or a missing input or output */
  public static ReportConfig fromMap(Map<String, String> values) {
    ReportKeys.refuseUnknown(values);
    String input = required(values, ReportKeys.INPUT_PATH, "--input <score output>");
    String output = required(values, ReportKeys.OUTPUT_PATH, "--output <file.html>");
    OutputMode mode = get(values, ReportKeys.OUTPUT_MODE);
    if (mode == OutputMode.APPEND) {
      throw new ConfigException(ReportKeys.OUTPUT_MODE.name(), "Cannot set output.mode to 'append': report writes"
          + " one file whole; use error-if-exists or overwrite");
    }
    ReportLimits limits = new ReportLimits(get(values, ReportKeys.BINS), get(values, ReportKeys.SCATTER_ROWS),
        get(values, ReportKeys.PROMPTS), get(values, ReportKeys.EXAMPLES), get(values, ReportKeys.MAX_TEXT_CHARS),
        get(values, ReportKeys.MAX_TOKENS));
    return new ReportConfig(input, output, mode, get(values, ReportKeys.EVAL_PATH), limits);
  }

  private static String required(Map<String, String> values, ConfigKey<String> key, String flag) {
    String value = get(values, key);
    if (value == null) {
      throw new ConfigException(key.name(), "Cannot write a report without " + key + ": pass " + flag + " or set "
          + key);
    }
    return value;
  }
}

package dev.endoreward.eval;

import dev.endoreward.spark.config.ConfigException;
import dev.endoreward.spark.config.ConfigKey;
import dev.endoreward.spark.config.InputFormat;
import dev.endoreward.spark.config.OutputMode;
import dev.endoreward.spark.config.ScoreConfig;
import dev.endoreward.spark.config.ScoreKeys;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The validated settings of {@code eval}: its own, and the {@code score} settings its responses are scored
 * with, checked as {@code score} checks them.
 *
 * @param input the preference data
 * @param output the output folder
 * @param mode what to do when the output folder exists
 * @param format the data's form
 * @param score the score that decides a comparison
 * @param limit records read from each file at most; 0 for all
 * @param scoreValues the {@code score} keys given, as written
 */
public record EvalConfig(String input, String output, OutputMode mode, PreferenceFormat format, EvalScore score,
    int limit, Map<String, String> scoreValues) {
  public EvalConfig {
    scoreValues = Map.copyOf(scoreValues);
  }

  /**
   * Validates configuration values: {@code eval}'s keys and any {@code score} key it does not set itself.
   *
   * @throws ConfigException "Cannot ..." for an unknown or refused key, a bad value, or a missing one
   */
  public static EvalConfig fromMap(Map<String, String> values) {
    List<String> own = EvalKeys.ALL.stream().map(ConfigKey::name).toList();
    List<String> setByEval = EvalKeys.SET_BY_EVAL.stream().map(ConfigKey::name).toList();
    Map<String, String> scoreValues = new LinkedHashMap<>();
    for (Map.Entry<String, String> entry : values.entrySet()) {
      String key = entry.getKey();
      if (setByEval.contains(key)) {
        throw new ConfigException(key, "Cannot set " + key + " for eval: eval writes the rows it scores itself");
      }
      if (!own.contains(key)) {
        if (!ScoreKeys.names().contains(key)) {
          throw new ConfigException(key, "Cannot use unknown key '" + key + "': conf/eval.properties lists eval's"
              + " keys, and conf/score.properties the score keys it also takes");
        }
        scoreValues.put(key, entry.getValue());
      }
    }
    String input = required(values, EvalKeys.INPUT_PATH, "--input <file or folder>");
    String output = required(values, EvalKeys.OUTPUT_PATH, "--output <dir>");
    PreferenceFormat format = required(values, EvalKeys.FORMAT, "--format hh-rlhf|llmbar|rewardbench|rm-bench");
    OutputMode mode = get(values, EvalKeys.OUTPUT_MODE);
    if (mode == OutputMode.APPEND) {
      throw new ConfigException(EvalKeys.OUTPUT_MODE.name(), "Cannot set output.mode to 'append': eval writes its"
          + " output whole; use error-if-exists or overwrite");
    }
    EvalConfig config = new EvalConfig(input, output, mode, format, get(values, EvalKeys.SCORE),
        get(values, EvalKeys.LIMIT), scoreValues);
    config.scoreConfig(); // checks the score settings now, before Spark starts
    return config;
  }

  /**
   * The configuration of the {@code score} run: the given {@code score} keys, reading the rows {@code eval}
   * wrote to {@link EvalOutput#PAIRS} and writing to {@link EvalOutput#SCORED}.
   */
  public ScoreConfig scoreConfig() {
    Map<String, String> values = new LinkedHashMap<>(scoreValues);
    values.put(ScoreKeys.INPUT_PATH.name(), EvalOutput.child(output, EvalOutput.PAIRS));
    values.put(ScoreKeys.INPUT_FORMAT.name(), ScoreKeys.INPUT_FORMAT.write(InputFormat.PARQUET));
    values.put(ScoreKeys.INPUT_COLUMN_ID.name(), PairRows.ID);
    values.put(ScoreKeys.INPUT_COLUMN_MESSAGES.name(), PairRows.MESSAGES);
    values.put(ScoreKeys.OUTPUT_PATH.name(), EvalOutput.child(output, EvalOutput.SCORED));
    values.put(ScoreKeys.OUTPUT_MODE.name(), ScoreKeys.OUTPUT_MODE.write(OutputMode.ERROR_IF_EXISTS));
    return ScoreConfig.fromMap(values);
  }

  private static <T> T get(Map<String, String> values, ConfigKey<T> key) {
    return key.parse(values.get(key.name()));
  }

  private static <T> T required(Map<String, String> values, ConfigKey<T> key, String flag) {
    T value = get(values, key);
    if (value == null) {
      throw new ConfigException(key.name(), "Cannot evaluate without " + key + ": pass " + flag + " or set " + key);
    }
    return value;
  }
}

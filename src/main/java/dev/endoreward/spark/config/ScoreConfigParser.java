package dev.endoreward.spark.config;

import dev.endoreward.reward.TerminalValue;
import dev.endoreward.text.OverlongPromptPolicy;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Turns raw configuration values into a {@link ScoreConfig}: rejects unknown keys, parses each value
 * strictly, fills in defaults, and leaves range and cross-field checks to the records it builds.
 */
final class ScoreConfigParser {
  private static final Pattern WHOLE_NUMBER = Pattern.compile("-?\\d{1,10}");
  private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

  private final Map<String, String> values;

  private ScoreConfigParser(Map<String, String> values) {
    this.values = values;
  }

  static ScoreConfig parse(Map<String, String> values) {
    values.keySet().forEach(ScoreKeys::checkKnown);
    return new ScoreConfigParser(values).build();
  }

  private ScoreConfig build() {
    ModelConfig model = new ModelConfig(text(ScoreKeys.MODEL_PATH),
        choice(ScoreKeys.MODEL_DEVICE, ModelDevice.class, ScoreKeys.MODEL_DEVICE_DEFAULT));
    InputConfig input = new InputConfig(text(ScoreKeys.INPUT_PATH),
        choice(ScoreKeys.INPUT_FORMAT, InputFormat.class, ScoreKeys.INPUT_FORMAT_DEFAULT), columns(),
        untrimmedText(ScoreKeys.INPUT_SYSTEM_PROMPT));
    OutputConfig output = new OutputConfig(text(ScoreKeys.OUTPUT_PATH),
        choice(ScoreKeys.OUTPUT_MODE, OutputMode.class, ScoreKeys.OUTPUT_MODE_DEFAULT),
        bool(ScoreKeys.OUTPUT_TOKEN_LEVEL, ScoreKeys.OUTPUT_TOKEN_LEVEL_DEFAULT),
        bool(ScoreKeys.OUTPUT_PROMPT_TOKEN_IDS, ScoreKeys.OUTPUT_PROMPT_TOKEN_IDS_DEFAULT));
    TemplateChoice template = choice(ScoreKeys.TEMPLATE_MODE, TemplateChoice.class, ScoreKeys.TEMPLATE_MODE_DEFAULT);
    RewardConfig reward = new RewardConfig(
        decimal(ScoreKeys.REWARD_ALPHA, ScoreKeys.REWARD_ALPHA_DEFAULT),
        decimal(ScoreKeys.REWARD_GAMMA, ScoreKeys.REWARD_GAMMA_DEFAULT),
        choice(ScoreKeys.REWARD_TERMINAL, TerminalValue.class, ScoreKeys.REWARD_TERMINAL_DEFAULT));
    BatchConfig batch = new BatchConfig(
        wholeNumber(ScoreKeys.BATCH_MAX_TOKENS, ScoreKeys.BATCH_MAX_TOKENS_DEFAULT),
        wholeNumber(ScoreKeys.BATCH_MAX_ROWS, ScoreKeys.BATCH_MAX_ROWS_DEFAULT),
        bool(ScoreKeys.BATCH_SORT_BY_LENGTH, ScoreKeys.BATCH_SORT_BY_LENGTH_DEFAULT),
        wholeNumber(ScoreKeys.BATCH_CHUNK_ROWS, ScoreKeys.BATCH_CHUNK_ROWS_DEFAULT));
    LengthConfig length = new LengthConfig(
        wholeNumber(ScoreKeys.LENGTH_MAX, ScoreKeys.LENGTH_MAX_DEFAULT),
        choice(ScoreKeys.LENGTH_OVERLONG_PROMPT, OverlongPromptPolicy.class, ScoreKeys.LENGTH_OVERLONG_PROMPT_DEFAULT));
    JobConfig job = new JobConfig(
        wholeNumber(ScoreKeys.JOB_PARTITIONS, ScoreKeys.JOB_PARTITIONS_DEFAULT),
        bool(ScoreKeys.JOB_PROGRESS, ScoreKeys.JOB_PROGRESS_DEFAULT));
    return new ScoreConfig(model, input, output, template, reward, batch, length, job,
        wholeNumber(ScoreKeys.ENGINE_THREADS, ScoreKeys.ENGINE_THREADS_DEFAULT));
  }

  private InputColumns columns() {
    String messages = text(ScoreKeys.INPUT_COLUMN_MESSAGES);
    String prompt = textOr(ScoreKeys.INPUT_COLUMN_PROMPT, ScoreKeys.INPUT_COLUMN_PROMPT_DEFAULT);
    String response = textOr(ScoreKeys.INPUT_COLUMN_RESPONSE, ScoreKeys.INPUT_COLUMN_RESPONSE_DEFAULT);
    if (messages != null) {
      prompt = unusedInMessagesForm(ScoreKeys.INPUT_COLUMN_PROMPT, prompt, ScoreKeys.INPUT_COLUMN_PROMPT_DEFAULT);
      response = unusedInMessagesForm(ScoreKeys.INPUT_COLUMN_RESPONSE, response,
          ScoreKeys.INPUT_COLUMN_RESPONSE_DEFAULT);
    }
    return new InputColumns(textOr(ScoreKeys.INPUT_COLUMN_ID, ScoreKeys.INPUT_COLUMN_ID_DEFAULT), prompt, response,
        messages, text(ScoreKeys.INPUT_COLUMN_SYSTEM), text(ScoreKeys.INPUT_COLUMN_PROMPT_ID));
  }

  /**
   * In the messages form the prompt and response columns are unused: their defaults are dropped, while
   * a column the user named is a contradiction worth reporting.
   */
  private String unusedInMessagesForm(String key, String column, String defaultColumn) {
    if (column == null || column.equals(defaultColumn)) {
      return null;
    }
    throw new IllegalArgumentException("Cannot set " + key + " to '" + column + "' together with "
        + ScoreKeys.INPUT_COLUMN_MESSAGES + ": the messages form reads the prompt and the response from the messages");
  }

  /** The trimmed value, or null when absent or empty. */
  private String text(String key) {
    String value = values.get(key);
    if (value == null) {
      return null;
    }
    String trimmed = value.strip();
    return trimmed.isEmpty() ? null : trimmed;
  }

  /** The trimmed value when the key is absent gets {@code defaultValue}; present but empty means unset. */
  private String textOr(String key, String defaultValue) {
    return values.containsKey(key) ? text(key) : defaultValue;
  }

  /** The value as written (a system prompt's spaces and line breaks matter), or null when absent or empty. */
  private String untrimmedText(String key) {
    String value = values.get(key);
    return value == null || value.isEmpty() ? null : value;
  }

  private int wholeNumber(String key, int defaultValue) {
    String text = text(key);
    if (text == null) {
      return defaultValue;
    }
    if (WHOLE_NUMBER.matcher(text).matches()) {
      long value = Long.parseLong(text);
      if (value == (int) value) {
        return (int) value;
      }
    }
    throw new IllegalArgumentException("Cannot set " + key + " to '" + text + "': expected a whole number");
  }

  private double decimal(String key, double defaultValue) {
    String text = text(key);
    if (text == null) {
      return defaultValue;
    }
    if (!DECIMAL.matcher(text).matches()) {
      throw new IllegalArgumentException("Cannot set " + key + " to '" + text + "': expected a decimal number");
    }
    return Double.parseDouble(text);
  }

  private boolean bool(String key, boolean defaultValue) {
    String text = text(key);
    if (text == null) {
      return defaultValue;
    }
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException("Cannot set " + key + " to '" + text + "': use true or false");
    };
  }

  private <E extends Enum<E>> E choice(String key, Class<E> type, E defaultValue) {
    String text = text(key);
    return text == null ? defaultValue : ConfigText.parse(key, text, type);
  }
}

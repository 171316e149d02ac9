package dev.endoreward.spark.config;

import dev.endoreward.batch.TokenBudget;
import dev.endoreward.engine.EngineOptions;
import dev.endoreward.reward.RewardOptions;
import java.util.Map;

/**
 * Turns written configuration values into a {@link ScoreConfig}: rejects unknown keys, reads every key
 * through its {@link ConfigKey} (type, default and rule), checks the rules that join several keys, and
 * builds the engine's records from the typed values.
 */
final class ScoreConfigParser {
  private final Map<String, String> values;

  private ScoreConfigParser(Map<String, String> values) {
    this.values = values;
  }

  static ScoreConfig parse(Map<String, String> values) {
    values.keySet().forEach(ScoreKeys::checkKnown);
    return new ScoreConfigParser(values).build();
  }

  private <T> T get(ConfigKey<T> key) {
    return key.parse(values.get(key.name()));
  }

  private ScoreConfig build() {
    EngineOptions engine = new EngineOptions(get(ScoreKeys.MODEL_PATH), get(ScoreKeys.MODEL_DEVICE),
        get(ScoreKeys.TEMPLATE_MODE),
        new RewardOptions(get(ScoreKeys.REWARD_ALPHA), get(ScoreKeys.REWARD_GAMMA), get(ScoreKeys.REWARD_TERMINAL)),
        new TokenBudget(get(ScoreKeys.BATCH_MAX_TOKENS), get(ScoreKeys.BATCH_MAX_ROWS),
            get(ScoreKeys.BATCH_SORT_BY_LENGTH)),
        get(ScoreKeys.LENGTH_MAX), get(ScoreKeys.LENGTH_OVERLONG_PROMPT), get(ScoreKeys.TEMPLATE_VARIABLES));
    InputConfig input = new InputConfig(get(ScoreKeys.INPUT_PATH), get(ScoreKeys.INPUT_FORMAT),
        get(ScoreKeys.INPUT_ON_MALFORMED), get(ScoreKeys.INPUT_DUPLICATE_IDS), columns(),
        get(ScoreKeys.INPUT_SYSTEM_PROMPT));
    OutputConfig output = new OutputConfig(get(ScoreKeys.OUTPUT_PATH), get(ScoreKeys.OUTPUT_MODE),
        get(ScoreKeys.OUTPUT_RESUME), get(ScoreKeys.OUTPUT_TOKEN_LEVEL), get(ScoreKeys.OUTPUT_PROMPT_TOKEN_IDS));
    JobConfig job = new JobConfig(get(ScoreKeys.JOB_PARTITIONS), get(ScoreKeys.JOB_UNIT_ROWS),
        get(ScoreKeys.JOB_PROGRESS), get(ScoreKeys.JOB_PROGRESS_INTERVAL), chunkRows(engine), get(ScoreKeys.ENGINE_THREADS));
    return new ScoreConfig(engine, input, output, job);
  }

  private int chunkRows(EngineOptions engine) {
    int chunkRows = get(ScoreKeys.BATCH_CHUNK_ROWS);
    int maxRows = engine.budget().maxRowsPerBatch();
    if (chunkRows < maxRows) {
      throw new ConfigException(ScoreKeys.BATCH_CHUNK_ROWS.name(), "Cannot set " + ScoreKeys.BATCH_CHUNK_ROWS + " to '"
          + chunkRows + "': it must be at least " + ScoreKeys.BATCH_MAX_ROWS + " (" + maxRows
          + "), or no batch could ever fill up");
    }
    return chunkRows;
  }

  private InputColumns columns() {
    String messages = get(ScoreKeys.INPUT_COLUMN_MESSAGES);
    String prompt = get(ScoreKeys.INPUT_COLUMN_PROMPT);
    String response = get(ScoreKeys.INPUT_COLUMN_RESPONSE);
    if (messages != null) {
      prompt = unusedInMessagesForm(ScoreKeys.INPUT_COLUMN_PROMPT, prompt);
      response = unusedInMessagesForm(ScoreKeys.INPUT_COLUMN_RESPONSE, response);
    }
    return new InputColumns(get(ScoreKeys.INPUT_COLUMN_ID), prompt, response, messages,
        get(ScoreKeys.INPUT_COLUMN_SYSTEM), get(ScoreKeys.INPUT_COLUMN_PROMPT_ID));
  }

  /**
   * In the messages form the prompt and response columns are unused: their defaults are dropped, while
   * a column the user named is a contradiction worth reporting.
   */
  private static String unusedInMessagesForm(ConfigKey<String> key, String column) {
    if (column == null || column.equals(key.defaultValue())) {
      return null;
    }
    throw new ConfigException(key.name(), "Cannot set " + key + " to '" + column + "' together with "
        + ScoreKeys.INPUT_COLUMN_MESSAGES + ": the messages form reads the prompt and the response from the messages");
  }
}

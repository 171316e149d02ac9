package dev.endoreward.curate;

import dev.endoreward.reward.TerminalValue;
import dev.endoreward.spark.config.ConfigKey;
import dev.endoreward.spark.config.ScoreKeys;
import java.io.Serializable;
import java.util.Map;

/**
 * The settings of a {@code score} run that curation needs, read from its {@code _runs/<id>/run.json}: which
 * columns hold the id and the text, and what the run wrote.
 *
 * @param idColumn the row id column
 * @param promptColumn the prompt column (prompt/response form), or null
 * @param responseColumn the response column (prompt/response form), or null
 * @param messagesColumn the messages column (messages form), or null
 * @param systemColumn the per-row system prompt column, or null
 * @param systemPrompt the one system prompt of every row, or null
 * @param terminal the value the run put after each response's last token
 */
record RunSettings(String idColumn, String promptColumn, String responseColumn, String messagesColumn,
    String systemColumn, String systemPrompt, TerminalValue terminal) implements Serializable {

  /** The settings in a run record's {@code config} map (keys and canonical values of the score job). */
  static RunSettings of(Map<String, String> config) {
    String messages = value(config, ScoreKeys.INPUT_COLUMN_MESSAGES);
    return new RunSettings(value(config, ScoreKeys.INPUT_COLUMN_ID),
        messages == null ? value(config, ScoreKeys.INPUT_COLUMN_PROMPT) : null,
        messages == null ? value(config, ScoreKeys.INPUT_COLUMN_RESPONSE) : null,
        messages, value(config, ScoreKeys.INPUT_COLUMN_SYSTEM), value(config, ScoreKeys.INPUT_SYSTEM_PROMPT),
        value(config, ScoreKeys.REWARD_TERMINAL));
  }

  private static <T> T value(Map<String, String> config, ConfigKey<T> key) {
    return key.parse(config.get(key.name()));
  }

  /** Whether the rows hold a conversation rather than a prompt and a response. */
  boolean messagesForm() {
    return messagesColumn != null;
  }

  /** Whether some rows had a system prompt. */
  boolean hasSystem() {
    return systemColumn != null || systemPrompt != null;
  }
}

package dev.endoreward.spark.config;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which input columns hold what. The prompt/response form names {@code prompt} and {@code response};
 * the messages form names {@code messages} instead (an array of {role, content} whose last entry is
 * the assistant response to score), and then {@code prompt} and {@code response} are null.
 *
 * @param id the row id column
 * @param prompt the prompt column, or null in the messages form
 * @param response the response column, or null in the messages form
 * @param messages the conversation column, or null in the prompt/response form
 * @param system a per-row system prompt column, or null
 * @param promptId a column grouping responses to the same prompt, or null (a hash of the rendered prompt
 *     groups them)
 */
public record InputColumns(String id, String prompt, String response, String messages, String system,
    String promptId) implements Serializable {

  public InputColumns {
    requireNamed(ScoreKeys.INPUT_COLUMN_ID, id);
    if (messages != null) {
      requireNamed(ScoreKeys.INPUT_COLUMN_MESSAGES, messages);
      if (prompt != null || response != null) {
        throw new ConfigException(ScoreKeys.INPUT_COLUMN_MESSAGES.name(), "Cannot set "
            + ScoreKeys.INPUT_COLUMN_MESSAGES + " to '" + messages + "' together with a prompt or response column: the messages form reads both from the messages");
      }
    } else {
      requireFormColumn(ScoreKeys.INPUT_COLUMN_PROMPT, prompt);
      requireFormColumn(ScoreKeys.INPUT_COLUMN_RESPONSE, response);
    }
    if (system != null) {
      requireNamed(ScoreKeys.INPUT_COLUMN_SYSTEM, system);
    }
    if (promptId != null) {
      requireNamed(ScoreKeys.INPUT_COLUMN_PROMPT_ID, promptId);
    }
    requireDistinct(id, prompt, response, messages, system, promptId);
  }

  /** Whether rows carry a conversation rather than a prompt and a response. */
  public boolean messagesForm() {
    return messages != null;
  }

  private static void requireNamed(ConfigKey<String> key, String column) {
    if (column == null || column.isBlank() || !column.equals(column.strip())) {
      throw new ConfigException(key.name(), "Cannot set " + key + " to '" + (column == null ? "" : column)
          + "': a column name must be non-empty, without spaces at either end");
    }
  }

  private static void requireDistinct(String id, String prompt, String response, String messages, String system,
      String promptId) {
    Map<String, String> keyByColumn = new LinkedHashMap<>();
    String[][] columns = {
        {ScoreKeys.INPUT_COLUMN_ID.name(), id}, {ScoreKeys.INPUT_COLUMN_PROMPT.name(), prompt},
        {ScoreKeys.INPUT_COLUMN_RESPONSE.name(), response}, {ScoreKeys.INPUT_COLUMN_MESSAGES.name(), messages},
        {ScoreKeys.INPUT_COLUMN_SYSTEM.name(), system}, {ScoreKeys.INPUT_COLUMN_PROMPT_ID.name(), promptId}};
    for (String[] column : columns) {
      if (column[1] == null) {
        continue;
      }
      String earlier = keyByColumn.putIfAbsent(column[1], column[0]);
      if (earlier != null) {
        throw new ConfigException(column[0], "Cannot set " + column[0] + " to '" + column[1] + "': " + earlier
            + " already names that column");
      }
    }
  }

  private static void requireFormColumn(ConfigKey<String> key, String column) {
    if (column == null || column.isEmpty()) {
      throw new ConfigException(key.name(), "Cannot score the prompt/response form without " + key
          + ": name that column, or set " + ScoreKeys.INPUT_COLUMN_MESSAGES + " for the messages form");
    }
    requireNamed(key, column);
  }
}

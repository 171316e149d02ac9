package dev.endoreward.spark.config;

import java.io.Serializable;

/**
 * The pairs to score.
 *
 * @param path a file, folder or glob on any Hadoop file system (local, HDFS, s3a)
 * @param format how the files are read
 * @param columns which columns hold what
 * @param systemPrompt one system prompt for every row whose conversation has none, or null; cannot be
 *     combined with a system prompt column
 */
public record InputConfig(String path, InputFormat format, InputColumns columns, String systemPrompt)
    implements Serializable {

  public InputConfig {
    if (path == null || path.isBlank()) {
      throw new IllegalArgumentException(
          "Cannot score without " + ScoreKeys.INPUT_PATH + ": pass --input <path> or set " + ScoreKeys.INPUT_PATH);
    }
    if (format == null) {
      throw new IllegalArgumentException(
          "Cannot set " + ScoreKeys.INPUT_FORMAT + " to null: use auto, parquet or jsonl");
    }
    if (columns == null) {
      throw new IllegalArgumentException("Cannot read the input without a column mapping");
    }
    if (systemPrompt != null && systemPrompt.isEmpty()) {
      throw new IllegalArgumentException("Cannot set " + ScoreKeys.INPUT_SYSTEM_PROMPT
          + " to an empty text: leave it unset for no system prompt");
    }
    if (systemPrompt != null && columns.system() != null) {
      throw new IllegalArgumentException("Cannot set " + ScoreKeys.INPUT_SYSTEM_PROMPT + " together with "
          + ScoreKeys.INPUT_COLUMN_SYSTEM + " '" + columns.system() + "': choose one source of system prompts");
    }
  }
}

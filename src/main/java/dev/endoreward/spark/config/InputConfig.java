package dev.endoreward.spark.config;

import java.io.Serializable;

/**
 * The pairs to score.
 *
 * @param path a file, folder or glob on any Hadoop file system (local, HDFS, s3a)
 * @param format how the files are read
 * @param onMalformed what a record that cannot be read becomes
 * @param duplicateIds what rows with an earlier row's id become
 * @param columns which columns hold what
 * @param systemPrompt one system prompt for every row whose conversation has none, or null; cannot be
 *     combined with a system prompt column
 */
public record InputConfig(String path, InputFormat format, MalformedPolicy onMalformed,
    DuplicateIdPolicy duplicateIds, InputColumns columns, String systemPrompt)
    implements Serializable {

  public InputConfig {
    if (systemPrompt != null && columns.system() != null) {
      throw new ConfigException(ScoreKeys.INPUT_SYSTEM_PROMPT.name(), "Cannot set " + ScoreKeys.INPUT_SYSTEM_PROMPT
          + " together with " + ScoreKeys.INPUT_COLUMN_SYSTEM + " '" + columns.system()
          + "': choose one source of system prompts");
    }
  }
}

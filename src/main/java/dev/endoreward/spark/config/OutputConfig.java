package dev.endoreward.spark.config;

import java.io.Serializable;

/**
 * Where and what the job writes.
 *
 * @param path the output folder on any Hadoop file system
 * @param mode what to do when the folder exists
 * @param tokenLevel whether the per-token arrays are written
 * @param promptTokenIds whether the full prompt token ids are written
 */
public record OutputConfig(String path, OutputMode mode, boolean tokenLevel, boolean promptTokenIds)
    implements Serializable {

  public OutputConfig {
    if (path == null || path.isBlank()) {
      throw new IllegalArgumentException(
          "Cannot score without " + ScoreKeys.OUTPUT_PATH + ": pass --output <dir> or set " + ScoreKeys.OUTPUT_PATH);
    }
    if (mode == null) {
      throw new IllegalArgumentException(
          "Cannot set " + ScoreKeys.OUTPUT_MODE + " to null: use error-if-exists, overwrite or append");
    }
  }
}

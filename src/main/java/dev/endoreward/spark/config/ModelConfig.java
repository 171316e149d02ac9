package dev.endoreward.spark.config;

import java.io.Serializable;

/**
 * The model to score with.
 *
 * @param path the exported model folder; a local path that every executor (and the driver) can read
 * @param device where the model runs
 */
public record ModelConfig(String path, ModelDevice device) implements Serializable {
  public ModelConfig {
    if (path == null || path.isBlank()) {
      throw new IllegalArgumentException(
          "Cannot score without " + ScoreKeys.MODEL_PATH + ": pass --model <dir> or set " + ScoreKeys.MODEL_PATH);
    }
    if (path.contains("://")) {
      throw new IllegalArgumentException("Cannot set " + ScoreKeys.MODEL_PATH + " to '" + path
          + "': the model must be a local folder at the same path on every executor (a shared mount or the image)");
    }
    if (device == null) {
      throw new IllegalArgumentException("Cannot set " + ScoreKeys.MODEL_DEVICE + " to null: use auto, cpu or gpu");
    }
  }
}

package dev.endoreward.spark.config;

import dev.endoreward.text.OverlongPromptPolicy;
import java.io.Serializable;

/**
 * How long a scored sequence may be.
 *
 * @param max the longest sequence in tokens; 0 means the model's maximum length
 * @param overlongPrompt what to do with a pair longer than that
 */
public record LengthConfig(int max, OverlongPromptPolicy overlongPrompt) implements Serializable {
  public LengthConfig {
    if (max < 0) {
      throw new IllegalArgumentException(
          "Cannot set " + ScoreKeys.LENGTH_MAX + " to '" + max + "': it must be 0 (the model's maximum) or more");
    }
    if (overlongPrompt == null) {
      throw new IllegalArgumentException(
          "Cannot set " + ScoreKeys.LENGTH_OVERLONG_PROMPT + " to null: use truncate-left or reject");
    }
  }
}

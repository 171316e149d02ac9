package dev.endoreward.curate;

import static dev.endoreward.curate.CurateKeys.get;

import java.io.Serializable;
import java.util.Map;

/**
 * The validated settings of {@code best-of-n}.
 *
 * @param io where it reads and writes
 * @param score the score that ranks a prompt's responses
 * @param k responses kept per prompt
 * @param format TRL's SFT form written
 */
public record BestOfNConfig(CurateIo io, ScoreColumn score, int k, TrainerFormat format) implements Serializable {
  static final String COMMAND = "best-of-n";

  /** @throws dev.endoreward.spark.config.ConfigException for an unknown key or a bad value */
  public static BestOfNConfig fromMap(Map<String, String> values) {
    return new BestOfNConfig(CurateKeys.io(values, CurateKeys.BEST_OF_N, COMMAND, "select the best of n"),
        get(values, CurateKeys.BEST_OF_N_SCORE), get(values, CurateKeys.BEST_OF_N_K),
        get(values, CurateKeys.BEST_OF_N_FORMAT));
  }
}

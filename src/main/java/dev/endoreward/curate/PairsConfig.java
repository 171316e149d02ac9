package dev.endoreward.curate;

import static dev.endoreward.curate.CurateKeys.get;

import java.io.Serializable;
import java.util.Map;

/**
 * The validated settings of {@code pairs}.
 *
 * @param io where it reads and writes
 * @param score the score that ranks a prompt's responses
 * @param mode which pairs a prompt gives
 * @param minMargin the smallest margin of a pair
 * @param maxPerPrompt pairs per prompt at most ({@link PairMode#ALL})
 * @param format TRL's preference form written
 */
public record PairsConfig(CurateIo io, ScoreColumn score, PairMode mode, double minMargin, int maxPerPrompt,
    TrainerFormat format) implements Serializable {
  static final String COMMAND = "pairs";

  /** @throws dev.endoreward.spark.config.ConfigException for an unknown key or a bad value */
  public static PairsConfig fromMap(Map<String, String> values) {
    return new PairsConfig(CurateKeys.io(values, CurateKeys.PAIRS, COMMAND, "build pairs"),
        get(values, CurateKeys.PAIRS_SCORE), get(values, CurateKeys.PAIRS_MODE), get(values, CurateKeys.PAIRS_MIN_MARGIN),
        get(values, CurateKeys.PAIRS_MAX_PER_PROMPT), get(values, CurateKeys.PAIRS_FORMAT));
  }

  /** The pair builder these settings describe. */
  PreferencePairs pairs() {
    return new PreferencePairs(mode, minMargin, mode == PairMode.BEST_WORST ? 1 : maxPerPrompt);
  }
}

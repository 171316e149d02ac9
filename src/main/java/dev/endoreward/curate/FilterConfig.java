package dev.endoreward.curate;

import static dev.endoreward.curate.CurateKeys.get;

import dev.endoreward.spark.config.ConfigException;
import java.io.Serializable;
import java.util.Map;

/**
 * The validated settings of {@code filter}.
 *
 * @param io where it reads and writes
 * @param score the score it cuts on
 * @param normalisation per-prompt normalisation applied first
 * @param threshold the lowest kept score, or null
 * @param topFraction the kept top fraction, or null; at most one of the two is set
 * @param quantile how the top fraction's cut is found
 * @param quantileError the approximate cut's relative rank error
 * @param minResponseTokens the fewest response tokens a kept row has
 * @param maxResponseTokens the most response tokens a kept row has; 0 for no bound
 */
public record FilterConfig(CurateIo io, ScoreColumn score, Normalisation normalisation, Double threshold,
    Double topFraction, QuantileMethod quantile, double quantileError, int minResponseTokens,
    int maxResponseTokens) implements Serializable {
  static final String COMMAND = "filter";

  /** @throws ConfigException for an unknown key, a bad value or keys that contradict each other */
  public static FilterConfig fromMap(Map<String, String> values) {
    CurateIo io = CurateKeys.io(values, CurateKeys.FILTER, COMMAND, "filter");
    Double threshold = get(values, CurateKeys.FILTER_THRESHOLD);
    Double topFraction = get(values, CurateKeys.FILTER_TOP_FRACTION);
    if (threshold != null && topFraction != null) {
      throw new ConfigException(CurateKeys.FILTER_TOP_FRACTION.name(), "Cannot set both "
          + CurateKeys.FILTER_THRESHOLD + " and " + CurateKeys.FILTER_TOP_FRACTION + ": keep one");
    }
    int min = get(values, CurateKeys.FILTER_MIN_RESPONSE_TOKENS);
    int max = get(values, CurateKeys.FILTER_MAX_RESPONSE_TOKENS);
    if (max > 0 && max < min) {
      throw new ConfigException(CurateKeys.FILTER_MAX_RESPONSE_TOKENS.name(), "Cannot set "
          + CurateKeys.FILTER_MAX_RESPONSE_TOKENS + " to '" + max + "': it must be at least "
          + CurateKeys.FILTER_MIN_RESPONSE_TOKENS + " (" + min + "), or every row is dropped");
    }
    return new FilterConfig(io, get(values, CurateKeys.FILTER_SCORE), get(values, CurateKeys.FILTER_NORMALISE),
        threshold, topFraction, get(values, CurateKeys.FILTER_QUANTILE), get(values, CurateKeys.FILTER_QUANTILE_ERROR),
        min, max);
  }
}

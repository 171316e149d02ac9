package dev.endoreward.spark;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One attempt at a run: the first, then one per {@code --resume}. These are measurements of the work the
 * attempt did, from Spark's accumulators, so a task that Spark ran twice counts twice; the run's results
 * are counted from its committed output instead ({@link RunSummary}). Kept as
 * {@code _runs/<run_id>/attempts/<attempt>.json}, written when the attempt starts and again when it ends;
 * an attempt that was killed stays {@code finished: false}.
 *
 * @param attempt 1 for the first attempt, then 2, 3 ...
 * @param started when it started, UTC
 * @param finished whether it ran to the end
 * @param wallSeconds its wall time, from the driver's checks to its last unit's commit (0 while unfinished)
 * @param unitsCommitted units this attempt committed, counted from the units' records
 * @param modelLoads models the executors loaded
 * @param tokensComputed prompt and response tokens the model scored
 * @param paddedTokens pad positions the model computed and the results ignored
 * @param paddingFraction padded / (computed + padded)
 * @param tokensPerSecond computed tokens per wall second
 */
public record Attempt(
    @JsonProperty("attempt") int attempt,
    @JsonProperty("started") String started,
    @JsonProperty("finished") boolean finished,
    @JsonProperty("wall_seconds") double wallSeconds,
    @JsonProperty("units_committed") int unitsCommitted,
    @JsonProperty("model_loads") long modelLoads,
    @JsonProperty("tokens_computed") long tokensComputed,
    @JsonProperty("padded_tokens") long paddedTokens,
    @JsonProperty("padding_fraction") double paddingFraction,
    @JsonProperty("tokens_per_second") double tokensPerSecond) {

  /** An attempt that has just started. */
  static Attempt started(int attempt, String started) {
    return new Attempt(attempt, started, false, 0, 0, 0, 0, 0, 0, 0);
  }

  /** This attempt, ended after {@code wallSeconds} with what {@code metrics} counted. */
  Attempt finished(ScoreMetrics metrics, double wallSeconds) {
    long computed = metrics.tokensScored.value();
    long padded = metrics.paddedTokens.value();
    return new Attempt(attempt, started, true, wallSeconds, unitsCommitted, metrics.modelLoads.value(), computed,
        padded, computed + padded == 0 ? 0 : (double) padded / (computed + padded),
        computed / Math.max(wallSeconds, 1e-9));
  }

  Attempt withUnitsCommitted(int units) {
    return new Attempt(attempt, started, finished, wallSeconds, units, modelLoads, tokensComputed, paddedTokens,
        paddingFraction, tokensPerSecond);
  }
}

package dev.endoreward.batch;

/**
 * Hears of rows as a {@link Scorer} finishes them, batch by batch, so that a caller can report progress
 * while one long call runs. Called on the scoring thread.
 */
@FunctionalInterface
public interface ScoringProgress {
  /** Hears nothing. */
  ScoringProgress NONE = (rows, tokens) -> {};

  /**
   * @param rows rows just finished, scored or rejected
   * @param tokens their prompt and response tokens that the model scored
   */
  void done(int rows, long tokens);
}

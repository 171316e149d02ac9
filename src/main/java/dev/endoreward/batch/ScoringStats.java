package dev.endoreward.batch;

/**
 * Running token counts of one scorer, for throughput and padding figures. Not thread-safe: each scorer
 * instance serves one thread.
 */
public final class ScoringStats {
  private long promptTokens;
  private long responseTokens;
  private long paddedTokens;
  private long batches;

  /** Counts one forward pass of {@code paddedBatchSize} positions, {@code realTokens} of them real. */
  public void addBatch(long realTokens, long paddedBatchSize) {
    paddedTokens += paddedBatchSize - realTokens;
    batches++;
  }

  /** Counts one scored row. */
  public void addScored(int prompt, int response) {
    promptTokens += prompt;
    responseTokens += response;
  }

  /** Prompt tokens of scored rows. */
  public long promptTokens() {
    return promptTokens;
  }

  /** Response tokens of scored rows. */
  public long responseTokens() {
    return responseTokens;
  }

  /** Pad positions the model computed and the results ignored. */
  public long paddedTokens() {
    return paddedTokens;
  }

  public long batches() {
    return batches;
  }
}

package dev.endoreward.batch;

/**
 * How big one forward pass may be.
 *
 * @param maxTokensPerBatch rows × longest row, padding included, at most this
 * @param maxRowsPerBatch rows per batch at most this
 * @param sortByLength group rows of similar length to cut padding; off only to measure its effect
 */
public record TokenBudget(int maxTokensPerBatch, int maxRowsPerBatch, boolean sortByLength)
    implements java.io.Serializable {
  public static final int MAX_TOKENS_PER_BATCH_DEFAULT = 16_384;
  public static final int MAX_ROWS_PER_BATCH_DEFAULT = 64;

  public TokenBudget {
    if (maxTokensPerBatch < 1) {
      throw new IllegalArgumentException("Cannot use a token budget of " + maxTokensPerBatch + ": it must be at least 1");
    }
    if (maxRowsPerBatch < 1) {
      throw new IllegalArgumentException("Cannot use " + maxRowsPerBatch + " rows per batch: it must be at least 1");
    }
  }

  /** Length-sorted batches of at most {@code maxTokensPerBatch} tokens and {@code maxRowsPerBatch} rows. */
  public static TokenBudget of(int maxTokensPerBatch, int maxRowsPerBatch) {
    return new TokenBudget(maxTokensPerBatch, maxRowsPerBatch, true);
  }
}

package dev.endoreward.spark.config;

import dev.endoreward.batch.TokenBudget;
import java.io.Serializable;

/**
 * How rows are grouped for the model.
 *
 * @param maxTokens tokens per forward pass at most, padding included
 * @param maxRows rows per forward pass at most
 * @param sortByLength whether rows of similar length share a batch
 * @param chunkRows rows tokenised and length-sorted together; at least {@code maxRows}, since a chunk
 *     smaller than a batch would cap every batch below {@code maxRows}
 */
public record BatchConfig(int maxTokens, int maxRows, boolean sortByLength, int chunkRows) implements Serializable {
  public BatchConfig {
    requireAtLeastOne(ScoreKeys.BATCH_MAX_TOKENS, maxTokens);
    requireAtLeastOne(ScoreKeys.BATCH_MAX_ROWS, maxRows);
    requireAtLeastOne(ScoreKeys.BATCH_CHUNK_ROWS, chunkRows);
    if (chunkRows < maxRows) {
      throw new IllegalArgumentException("Cannot set " + ScoreKeys.BATCH_CHUNK_ROWS + " to '" + chunkRows
          + "': it must be at least " + ScoreKeys.BATCH_MAX_ROWS + " (" + maxRows
          + "), or no batch could ever fill up");
    }
  }

  public TokenBudget toTokenBudget() {
    return new TokenBudget(maxTokens, maxRows, sortByLength);
  }

  private static void requireAtLeastOne(String key, int value) {
    if (value < 1) {
      throw new IllegalArgumentException("Cannot set " + key + " to '" + value + "': it must be at least 1");
    }
  }
}

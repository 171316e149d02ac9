package dev.endoreward.batch;

import dev.endoreward.Rule;
import java.io.Serializable;

/**
 * How big one forward pass may be. The defaults are those of the configuration keys
 * {@code batch.max-tokens}, {@code batch.max-rows} and {@code batch.sort-by-length}.
 *
 * @param maxTokensPerBatch rows × longest row, padding included, at most this; see {@link #MAX_TOKENS}
 * @param maxRowsPerBatch rows per batch at most this; see {@link #MAX_ROWS}
 * @param sortByLength group rows of similar length to cut padding; off only to measure its effect
 */
public record TokenBudget(int maxTokensPerBatch, int maxRowsPerBatch, boolean sortByLength) implements Serializable {
  public static final Rule<Integer> MAX_TOKENS = Rule.atLeast(1, null);
  public static final Rule<Integer> MAX_ROWS = Rule.atLeast(1, null);

  public TokenBudget {
    MAX_TOKENS.check("a token budget of", maxTokensPerBatch);
    MAX_ROWS.check("a row limit of", maxRowsPerBatch);
  }
}

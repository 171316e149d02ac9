package dev.endoreward.batch;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Plans batches for rows of known lengths. With length sorting, rows go longest first, so each batch's
 * width is set by its first row, and a batch also closes when the next row would push its padding
 * above {@link #MAX_PADDING_FRACTION}: a few long rows then never drag many short ones out to their
 * width. A row longer than the whole token budget still gets a batch of its own: the budget bounds
 * batches, and the model's maximum length bounds single rows.
 */
public final class TokenBudgetBatcher {
  /** The most padding a length-sorted batch may hold, as a fraction of its padded size. */
  public static final double MAX_PADDING_FRACTION = 0.03;

  private TokenBudgetBatcher() {}

  /**
   * Groups row indexes into batches.
   *
   * @param lengths tokens per row // [rows]
   * @return batches of indexes into {@code lengths}; every index appears exactly once
   */
  public static List<int[]> plan(int[] lengths, TokenBudget budget) {
    Integer[] order = IntStream.range(0, lengths.length).boxed().toArray(Integer[]::new);
    if (budget.sortByLength()) {
      java.util.Arrays.sort(order, Comparator.comparingInt((Integer i) -> lengths[i]).reversed());
    }
    List<int[]> batches = new ArrayList<>();
    List<Integer> current = new ArrayList<>();
    int width = 0;
    long realTokens = 0;
    for (int index : order) {
      int newWidth = Math.max(width, lengths[index]);
      long newSize = (long) newWidth * (current.size() + 1);
      boolean full = current.size() == budget.maxRowsPerBatch() || newSize > budget.maxTokensPerBatch()
          || (budget.sortByLength() && newSize - realTokens - lengths[index] > MAX_PADDING_FRACTION * newSize);
      if (!current.isEmpty() && full) {
        batches.add(toArray(current));
        current.clear();
        realTokens = 0;
        newWidth = lengths[index];
      }
      current.add(index);
      realTokens += lengths[index];
      width = newWidth;
    }
    if (!current.isEmpty()) {
      batches.add(toArray(current));
    }
    return batches;
  }

  /** Tokens a batch occupies once right-padded: rows × longest row. */
  public static long paddedSize(int[] batch, int[] lengths) {
    int width = 0;
    for (int index : batch) {
      width = Math.max(width, lengths[index]);
    }
    return (long) width * batch.length;
  }

  private static int[] toArray(List<Integer> indexes) {
    return indexes.stream().mapToInt(Integer::intValue).toArray();
  }
}

package dev.endoreward.batch;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Plans batches for rows of known lengths. With length sorting, rows go longest first, so each batch's
 * width is set by its first row and rows of similar length share a batch. A row longer than the whole
 * token budget still gets a batch of its own: the budget bounds padding, and the model's maximum
 * length bounds single rows.
 */
public final class TokenBudgetBatcher {
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
    for (int index : order) {
      int newWidth = Math.max(width, lengths[index]);
      boolean full = current.size() == budget.maxRowsPerBatch()
          || (long) newWidth * (current.size() + 1) > budget.maxTokensPerBatch();
      if (!current.isEmpty() && full) {
        batches.add(toArray(current));
        current.clear();
        newWidth = lengths[index];
      }
      current.add(index);
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

package dev.endoreward.curate;

import java.io.Serializable;
import java.util.Comparator;

/**
 * One scored response of a prompt, as the per-prompt rankings see it.
 *
 * @param id the row id; a {@link Comparable} of the id column's type (text or number)
 * @param score the score the ranking uses
 * @param responseTokens the number of response tokens
 * @param index where the response is in the list the caller ranks, to find its row again
 */
public record Candidate(Comparable<?> id, double score, int responseTokens, int index) implements Serializable {
  /**
   * Best first: the higher score, then the shorter response (fewer tokens for the same score), then the
   * smaller id. Ids are unique within a prompt unless the input repeated them, so the order is total in
   * practice and never depends on where Spark put a row.
   */
  public static final Comparator<Candidate> BEST_FIRST = Comparator.comparingDouble(Candidate::score).reversed()
      .thenComparingInt(Candidate::responseTokens)
      .thenComparing(Candidate::id, Candidate::compareIds);

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static int compareIds(Comparable a, Comparable b) {
    if (a == null || b == null) {
      return a == null ? (b == null ? 0 : 1) : -1;
    }
    return a.compareTo(b);
  }
}

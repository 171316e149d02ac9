package dev.endoreward.spark;

/**
 * Rows done (scored or rejected) and tokens scored, as counted by one task or summed over many.
 *
 * @param rows rows scored or rejected
 * @param tokens prompt and response tokens of the scored rows
 */
record ProgressCounts(long rows, long tokens) {
  static final ProgressCounts NONE = new ProgressCounts(0, 0);

  ProgressCounts plus(ProgressCounts other) {
    return new ProgressCounts(rows + other.rows, tokens + other.tokens);
  }

  /** The larger of each figure: a running task's counters only grow, whatever order reports arrive in. */
  ProgressCounts max(ProgressCounts other) {
    return new ProgressCounts(Math.max(rows, other.rows), Math.max(tokens, other.tokens));
  }
}

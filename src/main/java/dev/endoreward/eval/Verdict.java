package dev.endoreward.eval;

/**
 * The outcome of one comparison of a chosen response with a rejected one, as the benchmarks score it:
 * only a strictly higher score for the chosen response is correct; a tie counts as wrong, and is also
 * reported on its own.
 */
public enum Verdict {
  CORRECT,
  TIE,
  WRONG;

  /**
   * The verdict on two scores.
   *
   * @throws IllegalArgumentException for a NaN score ({@code score} rejects non-finite rows, so none reaches here)
   */
  public static Verdict of(double chosen, double rejected) {
    if (Double.isNaN(chosen) || Double.isNaN(rejected)) {
      throw new IllegalArgumentException("Cannot compare scores " + chosen + " and " + rejected + ": NaN is no score");
    }
    if (chosen > rejected) {
      return CORRECT;
    }
    return chosen == rejected ? TIE : WRONG;
  }
}

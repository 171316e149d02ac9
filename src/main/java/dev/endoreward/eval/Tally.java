package dev.endoreward.eval;

/**
 * The counts of a set of comparisons: those that were made (each correct, tied or wrong) and those
 * excluded because one of their responses could not be scored.
 *
 * @param comparisons comparisons made, both responses scored
 * @param correct comparisons the chosen response won strictly
 * @param ties comparisons whose two scores were equal (counted wrong)
 * @param excluded comparisons left out because a response was rejected by {@code score}
 */
public record Tally(long comparisons, long correct, long ties, long excluded) {
  /** No comparison. */
  public static final Tally EMPTY = new Tally(0, 0, 0, 0);

  /** z for a two-sided 95% interval: the 97.5th percentile of the standard normal. */
  private static final double Z_95 = 1.959963984540054;

  public Tally {
    if (comparisons < 0 || correct < 0 || ties < 0 || excluded < 0 || correct + ties > comparisons) {
      throw new IllegalArgumentException("Cannot count " + correct + " correct and " + ties + " ties in "
          + comparisons + " comparisons (" + excluded + " excluded)");
    }
  }

  /** This tally with one more comparison. */
  public Tally with(Verdict verdict) {
    return new Tally(comparisons + 1, correct + (verdict == Verdict.CORRECT ? 1 : 0),
        ties + (verdict == Verdict.TIE ? 1 : 0), excluded);
  }

  /** This tally with one more excluded comparison. */
  public Tally withExcluded() {
    return new Tally(comparisons, correct, ties, excluded + 1);
  }

  public Tally plus(Tally other) {
    return new Tally(comparisons + other.comparisons, correct + other.correct, ties + other.ties,
        excluded + other.excluded);
  }

  /** The share of comparisons the chosen response won, in [0, 1]; NaN when no comparison was made. */
  public double accuracy() {
    return comparisons == 0 ? Double.NaN : (double) correct / comparisons;
  }

  /**
   * The 95% Wilson score interval of {@link #accuracy()}, {@code [low, high]} within [0, 1]; null when no
   * comparison was made. It treats comparisons as independent trials, which the comparisons of one prompt
   * (sharing responses) are not, so it is narrower than the truth there.
   */
  public double[] wilson95() {
    if (comparisons == 0) {
      return null;
    }
    double n = comparisons;
    double p = correct / n;
    double z2 = Z_95 * Z_95;
    double denominator = 1 + z2 / n;
    double centre = (p + z2 / (2 * n)) / denominator;
    double half = Z_95 / denominator * Math.sqrt(p * (1 - p) / n + z2 / (4 * n * n));
    return new double[] {Math.max(0, centre - half), Math.min(1, centre + half)};
  }
}

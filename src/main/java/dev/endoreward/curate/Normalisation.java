package dev.endoreward.curate;

/**
 * How the scores of one prompt's responses are made comparable with other prompts' before a global
 * threshold: raw rewards carry the prompt's {@code value_prompt}, so a cross-prompt cut on them favours
 * prompts whose logits run high. Each method maps the scores of one prompt's responses; a result is NaN
 * where the method is undefined (a prompt with one response, and for {@link #Z_SCORE} one whose scores are
 * all equal).
 */
public enum Normalisation {
  /** The score as it is. */
  NONE,
  /** {@code (s - mean) / sd}, with the population standard deviation of the prompt's scores. */
  Z_SCORE,
  /**
   * The share of the prompt's other responses that score lower, ties counting half: 1 for the best, 0 for
   * the worst, 0.5 for all of a prompt whose scores are equal.
   */
  RANK,
  /** {@code s - mean}: the difference from the prompt's mean score. */
  MEAN_DIFFERENCE;

  /** The normalised scores of one prompt's responses, in the order given; {@code scores} is not changed. */
  public double[] apply(double[] scores) {
    int n = scores.length;
    double[] result = new double[n];
    if (this == NONE) {
      System.arraycopy(scores, 0, result, 0, n);
      return result;
    }
    if (n < 2) {
      java.util.Arrays.fill(result, Double.NaN);
      return result;
    }
    double mean = 0;
    for (double score : scores) {
      mean += score;
    }
    mean /= n;
    double squares = 0;
    for (double score : scores) {
      squares += (score - mean) * (score - mean);
    }
    double sd = Math.sqrt(squares / n);
    for (int i = 0; i < n; i++) {
      result[i] = switch (this) {
        case Z_SCORE -> sd == 0 ? Double.NaN : (scores[i] - mean) / sd;
        case MEAN_DIFFERENCE -> scores[i] - mean;
        case RANK -> rank(scores, i);
        case NONE -> throw new IllegalStateException("handled above");
      };
    }
    return result;
  }

  private static double rank(double[] scores, int i) {
    double below = 0;
    for (int j = 0; j < scores.length; j++) {
      if (j != i) {
        below += scores[j] < scores[i] ? 1 : scores[j] == scores[i] ? 0.5 : 0;
      }
    }
    return below / (scores.length - 1);
  }
}

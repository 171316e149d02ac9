package dev.endoreward.reward;

/**
 * The inverse soft Bellman operator over one response's per-token model outputs.
 *
 * <p>For response tokens y_1..y_R, with c_k the logit of y_k at its state and LSE_k the logsumexp of
 * that state's logits: logp_k = c_k - LSE_k, V_k = alpha * LSE_k, r_k = alpha * c_k - gamma * V_{k+1},
 * where V_{R+1} is 0 or, with {@link TerminalValue#BOOTSTRAP}, alpha * LSE_{R+1}. Sums are accumulated
 * in double and rounded to float once, so long responses do not drift.
 *
 * <p>Edge cases: R = 0 is a caller error ({@link IllegalArgumentException}); a NaN or infinite value
 * among the inputs the formula uses, or a sum that overflows float, gives a {@link
 * RejectReason#NON_FINITE} rejection naming the first offending token. LSE_{R+1} is only used, and so
 * only checked, with {@link TerminalValue#BOOTSTRAP}.
 */
public final class EndogenousReward {
  /** What a user can change about a model that produces non-finite values. */
  private static final String NON_FINITE_FIX = "; the model's outputs are not finite here: if it was exported in"
      + " float16, export it in bfloat16 or float32, and check its weights for NaN";

  private final RewardOptions options;

  public EndogenousReward(RewardOptions options) {
    this.options = options;
  }

  /**
   * Computes the rewards of one response.
   *
   * @param chosenLogits c_1..c_R, the logit of each response token at its state // [R]
   * @param logSumExps LSE_1..LSE_{R+1}; the last entry is the state after the final token // [R + 1]
   */
  public Outcome<SequenceReward> compute(float[] chosenLogits, float[] logSumExps) {
    int r = chosenLogits.length;
    if (r == 0) {
      throw new IllegalArgumentException("Cannot compute a reward for an empty response");
    }
    if (logSumExps.length != r + 1) {
      throw new IllegalArgumentException(
          "Cannot compute a reward: expected " + (r + 1) + " logsumexp values, got " + logSumExps.length);
    }
    int usedLogSumExps = options.terminal() == TerminalValue.BOOTSTRAP ? r + 1 : r;
    String nonFinite = firstNonFinite(chosenLogits, logSumExps, usedLogSumExps);
    if (nonFinite != null) {
      return Outcome.rejected(RejectReason.NON_FINITE, nonFinite + NON_FINITE_FIX);
    }
    double alpha = options.alpha();
    double gamma = options.gamma();
    float[] tokenRewards = new float[r];
    float[] tokenLogprobs = new float[r];
    double rewardSum = 0;
    double logprobSum = 0;
    for (int k = 0; k < r; k++) {
      double nextValue = (k + 1 < r || options.terminal() == TerminalValue.BOOTSTRAP)
          ? alpha * logSumExps[k + 1]
          : 0.0;
      double tokenReward = alpha * chosenLogits[k] - gamma * nextValue;
      double tokenLogprob = (double) chosenLogits[k] - logSumExps[k];
      tokenRewards[k] = (float) tokenReward;
      tokenLogprobs[k] = (float) tokenLogprob;
      rewardSum += tokenReward;
      logprobSum += tokenLogprob;
    }
    SequenceReward result = new SequenceReward(
        (float) rewardSum,
        (float) (rewardSum / r),
        (float) logprobSum,
        (float) (logprobSum / r),
        (float) (alpha * logSumExps[0]),
        tokenRewards,
        tokenLogprobs);
    if (!Float.isFinite(result.reward()) || !Float.isFinite(result.logprob())) {
      return Outcome.rejected(RejectReason.NON_FINITE, "the sums over " + r + " response tokens overflow"
          + " float: reward " + result.reward() + ", logprob " + result.logprob() + NON_FINITE_FIX);
    }
    return Outcome.ok(result);
  }

  private static String firstNonFinite(float[] chosenLogits, float[] logSumExps, int usedLogSumExps) {
    for (int k = 0; k < chosenLogits.length; k++) {
      if (!Float.isFinite(chosenLogits[k])) {
        return "chosen logit of response token " + (k + 1) + " of " + chosenLogits.length + " is "
            + chosenLogits[k];
      }
    }
    for (int k = 0; k < usedLogSumExps; k++) {
      if (!Float.isFinite(logSumExps[k])) {
        return "logsumexp before response token " + (k + 1) + " of " + chosenLogits.length + " is "
            + logSumExps[k];
      }
    }
    return null;
  }
}

package dev.endoreward.eval;

/**
 * The sequence score of the {@code score} output that decides a comparison. For two responses to the same
 * prompt, {@link #REWARD} and {@link #LOGPROB} decide alike ({@code reward = alpha * logprob + value_prompt},
 * and {@code value_prompt} is the prompt's); the per-token means favour no length.
 */
public enum EvalScore {
  /** {@code reward}: the sum of the token rewards, the paper's score. */
  REWARD("reward"),
  /** {@code reward_mean}: {@code reward} per response token. */
  REWARD_MEAN("reward_mean"),
  /** {@code logprob}: the response's log-probability. */
  LOGPROB("logprob"),
  /** {@code logprob_mean}: the mean token log-probability. */
  LOGPROB_MEAN("logprob_mean");

  private final String column;

  EvalScore(String column) {
    this.column = column;
  }

  /** The column's name in the {@code score} output. */
  public String column() {
    return column;
  }
}

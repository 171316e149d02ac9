package dev.endoreward.curate;

/**
 * A sequence-level score of the {@code score} output that curation ranks or filters by. Within one prompt,
 * {@link #REWARD} orders responses exactly as the log-probability does ({@code reward = alpha * logprob +
 * value_prompt}); across prompts it carries each prompt's {@code value_prompt}.
 */
public enum ScoreColumn {
  /** {@code reward}: the sum of the token rewards, the paper's score. */
  REWARD("reward"),
  /** {@code reward_mean}: {@code reward} per response token. */
  REWARD_MEAN("reward_mean"),
  /** {@code logprob_mean}: the mean token log-probability. */
  LOGPROB_MEAN("logprob_mean");

  private final String column;

  ScoreColumn(String column) {
    this.column = column;
  }

  /** The column's name in the {@code score} output. */
  public String column() {
    return column;
  }
}

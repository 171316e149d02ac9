package dev.endoreward.reward;

/** The soft value assumed after the last response token, V_{R+1}. */
public enum TerminalValue {
  /** V_{R+1} = 0: the response finished; right for complete answers. */
  ZERO,
  /**
   * V_{R+1} = alpha * logsumexp(l_{P+R-1}): the value of the state after the last token; right when the
   * response was cut off rather than finished.
   */
  BOOTSTRAP
}

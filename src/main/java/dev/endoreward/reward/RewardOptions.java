package dev.endoreward.reward;

/**
 * The knobs of the inverse soft Bellman operator.
 *
 * @param alpha soft-value temperature; 1 is the temperature the LM was trained at. Finite and positive.
 * @param gamma discount in [0, 1]; 1 gives the paper's undiscounted reward.
 * @param terminal the value after the last response token
 */
public record RewardOptions(double alpha, double gamma, TerminalValue terminal) implements java.io.Serializable {
  public static final double ALPHA_DEFAULT = 1.0;
  public static final double GAMMA_DEFAULT = 1.0;
  public static final TerminalValue TERMINAL_DEFAULT = TerminalValue.ZERO;

  public RewardOptions {
    if (!(alpha > 0) || Double.isInfinite(alpha)) {
      throw new IllegalArgumentException("Cannot use alpha " + alpha + ": it must be finite and > 0");
    }
    if (!(gamma >= 0 && gamma <= 1)) {
      throw new IllegalArgumentException("Cannot use gamma " + gamma + ": it must be in [0, 1]");
    }
    if (terminal == null) {
      throw new IllegalArgumentException("Cannot use a null terminal value: choose ZERO or BOOTSTRAP");
    }
  }

  /** alpha 1, gamma 1, terminal value 0: the paper's setting. */
  public static RewardOptions defaults() {
    return new RewardOptions(ALPHA_DEFAULT, GAMMA_DEFAULT, TERMINAL_DEFAULT);
  }
}

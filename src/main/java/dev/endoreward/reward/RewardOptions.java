package dev.endoreward.reward;

import dev.endoreward.Rule;
import java.io.Serializable;
import java.util.Objects;

/**
 * The knobs of the inverse soft Bellman operator. Their defaults are those of the configuration keys
 * {@code reward.alpha}, {@code reward.gamma} and {@code reward.terminal}.
 *
 * @param alpha soft-value temperature; 1 is the temperature the LM was trained at. See {@link #ALPHA}.
 * @param gamma discount; 1 gives the paper's undiscounted reward. See {@link #GAMMA}.
 * @param terminal the value after the last response token
 */
public record RewardOptions(double alpha, double gamma, TerminalValue terminal) implements Serializable {
  /** alpha divides nothing, but a zero, negative or infinite temperature makes every value meaningless. */
  public static final Rule<Double> ALPHA =
      Rule.of("finite and greater than 0", alpha -> alpha > 0 && !Double.isInfinite(alpha));

  public static final Rule<Double> GAMMA = Rule.of("in [0, 1]", gamma -> gamma >= 0 && gamma <= 1);

  public RewardOptions {
    ALPHA.check("alpha", alpha);
    GAMMA.check("gamma", gamma);
    Objects.requireNonNull(terminal, "terminal");
  }
}

package dev.endoreward.spark.config;

import dev.endoreward.reward.RewardOptions;
import dev.endoreward.reward.TerminalValue;
import java.io.Serializable;

/**
 * The knobs of the inverse soft Bellman operator, checked against their configuration keys.
 *
 * @param alpha soft-value temperature; finite and greater than 0
 * @param gamma discount, in [0, 1]
 * @param terminal the value after the last response token
 */
public record RewardConfig(double alpha, double gamma, TerminalValue terminal) implements Serializable {
  public RewardConfig {
    if (!(alpha > 0) || Double.isInfinite(alpha)) {
      throw new IllegalArgumentException(
          "Cannot set " + ScoreKeys.REWARD_ALPHA + " to '" + alpha + "': it must be finite and greater than 0");
    }
    if (!(gamma >= 0 && gamma <= 1)) {
      throw new IllegalArgumentException(
          "Cannot set " + ScoreKeys.REWARD_GAMMA + " to '" + gamma + "': it must be in [0, 1]");
    }
    if (terminal == null) {
      throw new IllegalArgumentException("Cannot set " + ScoreKeys.REWARD_TERMINAL + " to null: use zero or bootstrap");
    }
  }

  public RewardOptions toRewardOptions() {
    return new RewardOptions(alpha, gamma, terminal);
  }
}

package dev.endoreward.curate;

import static dev.endoreward.curate.CurateKeys.get;

import java.io.Serializable;
import java.util.Map;

/**
 * The validated settings of {@code offline-rl}.
 *
 * @param io where it reads and writes
 * @param discount the discount of the returns-to-go
 * @param baseline what advantages are measured against
 */
public record OfflineRlConfig(CurateIo io, double discount, Baseline baseline) implements Serializable {
  static final String COMMAND = "offline-rl";

  /** @throws dev.endoreward.spark.config.ConfigException for an unknown key or a bad value */
  public static OfflineRlConfig fromMap(Map<String, String> values) {
    return new OfflineRlConfig(CurateKeys.io(values, CurateKeys.OFFLINE_RL, COMMAND, "build offline-RL data"),
        get(values, CurateKeys.OFFLINE_RL_DISCOUNT), get(values, CurateKeys.OFFLINE_RL_BASELINE));
  }
}

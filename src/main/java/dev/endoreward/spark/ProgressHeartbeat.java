package dev.endoreward.spark;

import java.util.Map;
import org.apache.spark.SparkConf;

/**
 * The executor heartbeat interval that keeps progress moving. Spark sends running tasks' accumulator values
 * to the driver with each heartbeat, every 10 s by default; progress asks for one every second, unless the user
 * set the interval. The interval must stay below {@code spark.network.timeout}, which Spark checks at start.
 */
public final class ProgressHeartbeat {
  public static final String INTERVAL_KEY = "spark.executor.heartbeatInterval";
  public static final long INTERVAL_MS = 1_000;
  private static final String NETWORK_TIMEOUT_KEY = "spark.network.timeout";
  private static final String NETWORK_TIMEOUT_DEFAULT = "120s";

  private ProgressHeartbeat() {}

  /** The settings to add to {@code settings}, the user's: none when they set the interval themselves. */
  public static Map<String, String> settings(SparkConf settings) {
    if (settings.contains(INTERVAL_KEY)) {
      return Map.of();
    }
    long timeoutMs = settings.getTimeAsMs(NETWORK_TIMEOUT_KEY, NETWORK_TIMEOUT_DEFAULT);
    long intervalMs = Math.max(1, Math.min(INTERVAL_MS, timeoutMs / 2));
    return Map.of(INTERVAL_KEY, intervalMs + "ms");
  }
}

package dev.endoreward.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

/** The heartbeat interval the job asks for, and when it leaves the user's settings alone. */
class TestProgressHeartbeat {
  private static SparkConf settings() {
    return new SparkConf(false);
  }

  @Test
  void asksForAHeartbeatEverySecond() {
    assertThat(ProgressHeartbeat.settings(settings())).containsOnly(
        entry("spark.executor.heartbeatInterval", "1000ms"));
  }

  @Test
  void keepsTheUsersInterval() {
    assertThat(ProgressHeartbeat.settings(settings().set("spark.executor.heartbeatInterval", "30s"))).isEmpty();
  }

  @Test
  void staysBelowAShortNetworkTimeout() {
    assertThat(ProgressHeartbeat.settings(settings().set("spark.network.timeout", "1s"))).containsOnly(
        entry("spark.executor.heartbeatInterval", "500ms"));
  }
}

package dev.endoreward.cli;

import dev.endoreward.spark.ProgressHeartbeat;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** Opens the Spark session a command runs on. */
@FunctionalInterface
public interface SparkSessionFactory {
  /** The name of every command's Spark application; each job names itself in its job descriptions. */
  String APP_NAME = "endoreward";

  SparkSession open();

  /**
   * The session Spark's own settings describe, with executor heartbeats frequent enough for progress to move
   * ({@link ProgressHeartbeat}) unless those settings choose their own. The master is never set here:
   * spark-submit passes it, and local runs pass {@code -Dspark.master=...}, so one jar runs unchanged everywhere.
   */
  static SparkSessionFactory fromSparkSettings() {
    return () -> {
      SparkSession.Builder builder = SparkSession.builder().appName(APP_NAME);
      ProgressHeartbeat.settings(new SparkConf()).forEach(builder::config);
      return builder.getOrCreate();
    };
  }
}

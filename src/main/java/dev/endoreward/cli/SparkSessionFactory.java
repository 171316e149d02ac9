package dev.endoreward.cli;

import org.apache.spark.sql.SparkSession;

/** Opens the Spark session a command runs on. */
@FunctionalInterface
public interface SparkSessionFactory {
  String APP_NAME = "endoreward score";

  SparkSession open();

  /**
   * The session Spark's own settings describe. The master is never set here: spark-submit passes it, and
   * local runs pass {@code -Dspark.master=...}, so one jar runs unchanged everywhere.
   */
  static SparkSessionFactory fromSparkSettings() {
    return () -> SparkSession.builder().appName(APP_NAME).getOrCreate();
  }
}

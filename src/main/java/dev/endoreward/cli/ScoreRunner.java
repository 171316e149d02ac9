package dev.endoreward.cli;

import dev.endoreward.spark.config.ScoreConfig;
import dev.endoreward.spark.RunSummary;
import org.apache.spark.sql.SparkSession;

/**
 * Runs a validated {@code score} job on an open session. The command line uses
 * {@code dev.endoreward.spark.ScoreJob::run}; tests substitute their own.
 */
@FunctionalInterface
public interface ScoreRunner {
  /** Runs the job and returns what it did. */
  RunSummary run(SparkSession spark, ScoreConfig config) throws Exception;
}

package dev.endoreward.spark.config;

import java.io.Serializable;

/**
 * How the Spark job runs.
 *
 * @param partitions 0 keeps the input's partitioning; more repartitions the input to that many
 * @param progress whether local runs print a console progress line
 */
public record JobConfig(int partitions, boolean progress) implements Serializable {
  public JobConfig {
    if (partitions < 0) {
      throw new IllegalArgumentException("Cannot set " + ScoreKeys.JOB_PARTITIONS + " to '" + partitions
          + "': it must be 0 (keep the input's partitioning) or more");
    }
  }
}

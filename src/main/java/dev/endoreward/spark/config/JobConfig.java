package dev.endoreward.spark.config;

import java.io.Serializable;

/**
 * How the Spark job runs, around the engine.
 *
 * @param partitions units to split the input into; 0 sizes them by {@code unitRows}
 * @param unitRows input rows per unit when {@code partitions} is 0
 * @param progress whether the driver reports progress
 * @param progressIntervalSeconds seconds between progress lines when stderr is not a terminal
 * @param chunkRows rows a task tokenises and length-sorts together; at least {@code batch.max-rows}, since a
 *     chunk smaller than a batch would cap every batch below it
 * @param engineThreads intra-op threads per task on the CPU; 0 means cores divided by concurrent tasks
 */
public record JobConfig(int partitions, int unitRows, boolean progress, int progressIntervalSeconds, int chunkRows,
    int engineThreads)
    implements Serializable {

  /**
   * Intra-op threads for one task's model on the CPU: {@code engineThreads} when set, else the executor's
   * cores shared evenly among its concurrent tasks, at least 1.
   *
   * @param cores the cores of the executor (or of the machine, in local runs)
   * @param concurrentTasks how many tasks the executor runs at once
   */
  public int intraOpThreads(int cores, int concurrentTasks) {
    if (engineThreads > 0) {
      return engineThreads;
    }
    return Math.max(1, cores / Math.max(1, concurrentTasks));
  }
}

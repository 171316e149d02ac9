package dev.endoreward.spark;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

/**
 * Scores and commits units, several at once. Each unit is its own pair of Spark writes, so each commits
 * through Spark's output commit protocol on its own, and is marked committed once both writes have; units
 * that were running when a unit fails still finish and count, and no new unit starts.
 */
final class UnitRunner {
  private final SparkContext context;
  private final EndogenousRewardScorer scorer;
  private final ScoreMetrics metrics;
  private final OutputFolder folder;
  private final RunRecord run;
  private final int attempt;
  private final UnitSplit split;
  private final String description;

  /**
   * @param attempt the attempt that commits the units
   * @param description the start of each Spark job's description
   */
  UnitRunner(SparkContext context, EndogenousRewardScorer scorer, ScoreMetrics metrics, OutputFolder folder,
      RunRecord run, int attempt, UnitSplit split, String description) {
    this.context = context;
    this.scorer = scorer;
    this.metrics = metrics;
    this.folder = folder;
    this.run = run;
    this.attempt = attempt;
    this.split = split;
    this.description = description;
  }

  /**
   * Scores {@code units} with up to {@code parallel} of them in flight.
   *
   * @throws IllegalStateException for the first unit that failed, once the units in flight have ended
   */
  void run(List<Integer> units, int parallel) {
    AtomicReference<RuntimeException> failure = new AtomicReference<>();
    AtomicInteger threads = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(parallel, task -> {
      Thread thread = new Thread(task, "endoreward-unit-" + threads.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    for (int unit : units) {
      pool.execute(() -> {
        if (failure.get() != null) {
          return;
        }
        try {
          score(unit);
        } catch (Exception | Error e) { // Spark's own exceptions are checked ones that Scala throws unchecked
          failure.compareAndSet(null, new IllegalStateException("Cannot score unit " + unit + " of run " + run.runId()
              + ": " + e.getMessage(), e));
        }
      });
    }
    pool.shutdown();
    try {
      pool.awaitTermination(Long.MAX_VALUE, TimeUnit.DAYS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      pool.shutdownNow();
      throw new IllegalStateException("Cannot finish run " + run.runId() + ": interrupted", e);
    }
    if (failure.get() != null) {
      throw failure.get();
    }
  }

  private void score(int unit) {
    String what = description + ": unit " + unit + " of " + run.unitCount();
    Dataset<Row> combined = scorer.score(split.rowsOf(unit), metrics).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      context.setJobDescription(what + ", scoring and writing its scored rows");
      OutputWriter.write(scorer.scoredRows(combined), folder.unitPath(OutputFolder.SCORED, run.runId(), unit));
      context.setJobDescription(what + ", writing its rejected rows");
      OutputWriter.write(scorer.rejectedRows(combined), folder.unitPath(OutputFolder.REJECTED, run.runId(), unit));
    } finally {
      context.setJobDescription(null);
      combined.unpersist();
    }
    folder.markUnitCommitted(run.runId(), unit, attempt);
  }
}

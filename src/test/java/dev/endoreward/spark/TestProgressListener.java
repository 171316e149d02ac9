package dev.endoreward.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Progress from a real Spark session's listener events: tasks that count rows and tokens slowly, as the
 * scorer does, with a short heartbeat; local[2,2] retries a failed task once.
 */
class TestProgressListener {
  private static final int ROWS_PER_TASK = 20;
  private static final int TOKENS_PER_ROW = 7;
  private static final long MILLIS_PER_ROW = 100;

  private static SparkSession spark;

  @BeforeAll
  static void startSpark() {
    spark = SparkSession.builder()
        .master("local[2,2]")
        .appName("endoreward-progress-test")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config(ProgressHeartbeat.INTERVAL_KEY, "200ms")
        .getOrCreate();
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  /**
   * Runs {@code tasks} tasks that each score {@link #ROWS_PER_TASK} rows, one every {@link #MILLIS_PER_ROW} ms;
   * the first attempt of task 0 fails after half its rows when {@code failOnce}. Returns the totals the
   * listener showed while the job ran, then its total once the listener has seen every task end.
   */
  private static List<ProgressCounts> run(int tasks, boolean failOnce) throws Exception {
    ScoreMetrics metrics = new ScoreMetrics(spark.sparkContext());
    ProgressListener listener = metrics.progressListener();
    spark.sparkContext().addSparkListener(listener);
    try {
      List<Integer> partitions = new ArrayList<>();
      for (int i = 0; i < tasks; i++) {
        partitions.add(i);
      }
      CompletableFuture<Void> job = CompletableFuture.runAsync(() -> new JavaSparkContext(spark.sparkContext())
          .parallelize(partitions, tasks)
          .foreachPartition(rows -> {
            boolean fail = failOnce && TaskContext.getPartitionId() == 0 && TaskContext.get().attemptNumber() == 0;
            for (int row = 0; row < ROWS_PER_TASK; row++) {
              if (fail && row == ROWS_PER_TASK / 2) {
                throw new IllegalStateException("a task that fails once");
              }
              Thread.sleep(MILLIS_PER_ROW);
              metrics.rowsDone.add(1);
              metrics.tokensScored.add(TOKENS_PER_ROW);
            }
          }));
      List<ProgressCounts> seen = Collections.synchronizedList(new ArrayList<>());
      while (!job.isDone()) {
        seen.add(listener.total());
        Thread.sleep(50);
      }
      job.get();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (listener.total().rows() < (long) tasks * ROWS_PER_TASK && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      seen.add(listener.total());
      return seen;
    } finally {
      spark.sparkContext().removeSparkListener(listener);
    }
  }

  @Test
  void countsRowsAndTokensInsideRunningTasks() throws Exception {
    List<ProgressCounts> seen = run(2, false);
    long rows = 2L * ROWS_PER_TASK;
    // Both tasks run at once for about 2 s and end together: only heartbeats can show figures in between.
    assertThat(seen).anySatisfy(counts -> assertThat(counts.rows()).isBetween(1L, rows - 1));
    assertThat(seen.get(seen.size() - 1)).isEqualTo(new ProgressCounts(rows, rows * TOKENS_PER_ROW));
    assertThat(seen).allSatisfy(counts -> assertThat(counts.tokens()).isEqualTo(counts.rows() * TOKENS_PER_ROW)
        .as("rows and tokens of the same reports"));
  }

  @Test
  void aRetriedTaskCountsOnceAndTheFiguresNeverGoBackwards() throws Exception {
    List<ProgressCounts> seen = run(2, true);
    long rows = 2L * ROWS_PER_TASK;
    assertThat(seen.get(seen.size() - 1)).isEqualTo(new ProgressCounts(rows, rows * TOKENS_PER_ROW));
    for (int i = 1; i < seen.size(); i++) {
      assertThat(seen.get(i).rows()).isGreaterThanOrEqualTo(seen.get(i - 1).rows()).isLessThanOrEqualTo(rows);
    }
  }
}

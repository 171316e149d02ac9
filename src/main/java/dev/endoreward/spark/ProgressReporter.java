package dev.endoreward.spark;

import java.io.PrintStream;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A console progress line for local runs: rows done of total, tokens per second and the time left.
 * It reads the job's accumulators, which Spark updates on the driver as tasks finish.
 */
final class ProgressReporter implements AutoCloseable {
  private static final long PERIOD_SECONDS = 2;

  private final ScoreMetrics metrics;
  private final long totalRows;
  private final PrintStream out;
  private final long startNanos = System.nanoTime();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "endoreward-progress");
    thread.setDaemon(true);
    return thread;
  });

  ProgressReporter(ScoreMetrics metrics, long totalRows, PrintStream out) {
    this.metrics = metrics;
    this.totalRows = totalRows;
    this.out = out;
  }

  void start() {
    timer.scheduleAtFixedRate(() -> out.print("\r" + line()), PERIOD_SECONDS, PERIOD_SECONDS, TimeUnit.SECONDS);
  }

  String line() {
    double seconds = Math.max(1e-9, (System.nanoTime() - startNanos) / 1e9);
    long done = metrics.rowsDone();
    double rowsPerSecond = done / seconds;
    String eta = done == 0 || rowsPerSecond == 0 ? "--:--:--" : clock((totalRows - done) / rowsPerSecond);
    return String.format("endoreward: %,d / %,d rows (%.1f%%) | %,.0f tokens/s | ETA %s", done, totalRows,
        totalRows == 0 ? 100.0 : 100.0 * done / totalRows, metrics.tokensScored() / seconds, eta);
  }

  private static String clock(double seconds) {
    long s = Math.max(0, Math.round(seconds));
    return String.format("%02d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
  }

  @Override
  public void close() {
    timer.shutdownNow();
    out.println("\r" + line());
  }
}

package dev.endoreward.spark;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job's progress on the driver: rows done of the total, tokens per second and the time left, counted
 * inside running tasks ({@link ProgressListener}). On a terminal it is one line, redrawn every 2 s, that
 * other output never runs into ({@link ProgressTerminal}); elsewhere (a log file, CI, a cluster's driver) it is
 * a log line of {@code dev.endoreward.progress} every {@code job.progress-interval} seconds. Java cannot
 * tell whether stderr is a terminal; the launcher can, and says so with {@value #TERMINAL_PROPERTY}. Closing
 * it leaves one last line with the final figures.
 */
final class ProgressReporter implements AutoCloseable {
  /** System property that the launcher sets to {@code true} when stderr is a terminal; absent means it is not. */
  static final String TERMINAL_PROPERTY = "endoreward.stderr.terminal";
  static final long TERMINAL_PERIOD_SECONDS = 2;
  private static final Logger LOG = LoggerFactory.getLogger("dev.endoreward.progress");
  /** How long the last line waits for the listener to see the task ends the driver has already counted. */
  private static final long CATCH_UP_MILLIS = 5_000;

  private final SparkContext context;
  private final ScoreMetrics metrics;
  private final ProgressListener listener;
  private final long totalRows;
  private final Output output;
  private final long startNanos = System.nanoTime();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "endoreward-progress");
    thread.setDaemon(true);
    return thread;
  });

  private ProgressReporter(SparkContext context, ScoreMetrics metrics, long totalRows, Output output) {
    this.context = context;
    this.metrics = metrics;
    this.listener = metrics.progressListener();
    this.totalRows = totalRows;
    this.output = output;
  }

  /**
   * Starts reporting the work {@code metrics} count against {@code totalRows}.
   *
   * @param logIntervalSeconds seconds between log lines when stderr is not a terminal
   */
  static ProgressReporter start(SparkContext context, ScoreMetrics metrics, long totalRows, int logIntervalSeconds) {
    boolean terminal = Boolean.getBoolean(TERMINAL_PROPERTY);
    ProgressReporter reporter = new ProgressReporter(context, metrics, totalRows,
        terminal ? new OnTerminal() : new InLog());
    context.addSparkListener(reporter.listener);
    long period = terminal ? TERMINAL_PERIOD_SECONDS : logIntervalSeconds;
    reporter.timer.scheduleAtFixedRate(() -> reporter.output.update(reporter.line()), period, period,
        TimeUnit.SECONDS);
    return reporter;
  }

  private String line() {
    return line(listener.total(), totalRows, (System.nanoTime() - startNanos) / 1e9);
  }

  /** The progress line for {@code done} of {@code totalRows} after {@code seconds}. */
  static String line(ProgressCounts done, long totalRows, double seconds) {
    double elapsed = Math.max(1e-9, seconds);
    double rowsPerSecond = done.rows() / elapsed;
    String eta = rowsPerSecond == 0 ? "--:--:--" : clock(Math.max(0, totalRows - done.rows()) / rowsPerSecond);
    return String.format(Locale.ROOT, "endoreward: %,d / %,d rows (%.1f%%) | %,.0f tokens/s | ETA %s", done.rows(),
        totalRows, totalRows == 0 ? 100.0 : 100.0 * done.rows() / totalRows, done.tokens() / elapsed, eta);
  }

  private static String clock(double seconds) {
    long s = Math.round(seconds);
    return String.format(Locale.ROOT, "%02d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
  }

  @Override
  public void close() {
    timer.shutdownNow();
    awaitListener();
    context.removeSparkListener(listener);
    output.finish(line());
  }

  /**
   * Spark delivers listener events on its own thread, after the jobs they belong to have returned: waits, for a
   * bounded time, until the listener has seen at least the rows the driver's accumulators already hold.
   */
  private void awaitListener() {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CATCH_UP_MILLIS);
    while (listener.total().rows() < metrics.rowsDone.value() && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Where progress lines go. */
  private interface Output {
    void update(String line);

    /** Writes the last line and gives back whatever this output took over. */
    void finish(String line);
  }

  /** One line on the terminal, redrawn in place; stderr goes through the terminal's guard meanwhile. */
  private static final class OnTerminal implements Output {
    private final PrintStream original = System.err;
    private final ProgressTerminal terminal = new ProgressTerminal(original);

    OnTerminal() {
      System.setErr(terminal.asPrintStream());
    }

    @Override
    public void update(String line) {
      terminal.show(line);
    }

    @Override
    public void finish(String line) {
      System.err.flush();
      System.setErr(original);
      terminal.finish(line);
    }
  }

  /** A log line each time. */
  private static final class InLog implements Output {
    @Override
    public void update(String line) {
      LOG.info(line);
    }

    @Override
    public void finish(String line) {
      LOG.info(line);
    }
  }
}

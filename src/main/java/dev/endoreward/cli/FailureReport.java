package dev.endoreward.cli;

import java.io.PrintWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the user of a failed command what failed, the same way for every command: one line on stderr
 * ({@link Failure}), the stack trace to the logger {@value #LOGGER}, and to stderr as well only with
 * {@code --verbose}. An internal failure's line ends with the log file's path when the system property
 * {@value Main#LOG_FILE_PROPERTY} names it.
 */
final class FailureReport {
  /** The logger that gets every failure with its stack trace; the jobs' log configuration sends it to the log file. */
  static final String LOGGER = "dev.endoreward.failure";
  private static final Logger LOG = LoggerFactory.getLogger(LOGGER);

  private FailureReport() {}

  /**
   * Reports {@code thrown} on {@code err}.
   *
   * @param activity what the command was doing, completing "Cannot finish ...", e.g. "scoring"
   * @param verbose whether the stack trace goes to {@code err} too
   * @return the exit code
   */
  static int report(Throwable thrown, String activity, PrintWriter err, boolean verbose) {
    Failure failure = Failure.of(thrown, activity);
    LOG.error(failure.line(), thrown);
    String logFile = System.getProperty(Main.LOG_FILE_PROPERTY);
    err.println(failure.byUser() || logFile == null ? failure.line()
        : failure.line() + "; the stack trace is in " + logFile);
    if (verbose) {
      thrown.printStackTrace(err);
    }
    return failure.exitCode();
  }
}

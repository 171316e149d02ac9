package dev.endoreward.cli;

/** The process exit codes of the command line. */
public final class ExitCodes {
  /** The command finished. */
  public static final int OK = 0;
  /** The command started but failed: the job, Spark or the model raised an error. */
  public static final int RUNTIME_FAILURE = 1;
  /** The command line, the configuration, the model or the input is wrong; found before any scoring. */
  public static final int CONFIG_ERROR = 2;

  private ExitCodes() {}
}

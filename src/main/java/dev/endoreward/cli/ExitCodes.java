package dev.endoreward.cli;

/** The process exit codes of the command line. */
public final class ExitCodes {
  /** The command finished. */
  public static final int OK = 0;
  /** The command started but failed for a reason the user did not cause: a bug, a lost cluster, memory. */
  public static final int RUNTIME_FAILURE = 1;
  /**
   * A mistake the user can fix: the command line, the configuration, the model, the input, the output folder,
   * the credentials, or a store that cannot be reached.
   */
  public static final int CONFIG_ERROR = 2;

  private ExitCodes() {}
}

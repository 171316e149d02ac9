package dev.endoreward.spark;

/**
 * The input cannot be read as configured: a path that matches nothing, a file that is not what its name
 * says, a line that breaks {@code input.on-malformed=fail}. Its message is one "Cannot read input ..." line
 * that names the file (and the line, where there is one). It is thrown on the driver and in tasks alike; the
 * command line finds it in a failed job's causes and exits 2 with its message.
 */
public final class InputException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public InputException(String message) {
    super(message);
  }

  public InputException(String message, Throwable cause) {
    super(message, cause);
  }
}

package dev.endoreward.cli;

import dev.endoreward.spark.InputException;
import java.nio.file.AccessDeniedException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.apache.spark.SparkThrowable;

/**
 * What a failed command tells its user: an exit code and one line, "Cannot &lt;do X&gt;: &lt;why&gt;".
 *
 * <p>The user caused it, and the exit code is {@link ExitCodes#CONFIG_ERROR}, when the job threw an
 * {@link IllegalArgumentException} whose message starts with "Cannot" (the driver's checks of the configuration,
 * the model, the output folder and the storage), or when anywhere in the causes of what it threw there is
 * <ul>
 *   <li>an {@link InputException}: its message. A task's exception reaches the driver inside a
 *       {@code SparkException}, deserialized as its cause; when Spark could not serialize it, only as text in
 *       the message, from which its line is taken;
 *   <li>a Spark error of condition {@code FAILED_READ_FILE.*}: "Cannot read input &lt;path&gt;: &lt;the root
 *       cause's message&gt;";
 *   <li>an {@link AccessDeniedException}, as S3A throws for HTTP 401 and 403: "Cannot access &lt;path&gt;: ...;
 *       check the credentials". The line names the settings, never their values;
 * </ul>
 * in that order: an {@link InputException} first, even inside a driver check.
 *
 * <p>Anything else is an internal failure, {@link ExitCodes#RUNTIME_FAILURE}: the message of the innermost
 * cause that says "Cannot ...", or else "Cannot finish &lt;activity&gt;: &lt;the root cause&gt;". Every line is cut to
 * the first line of the messages it quotes, since Spark's messages carry whole stack traces.
 */
record Failure(int exitCode, String line) {
  private static final String CANNOT = "Cannot";
  private static final String FAILED_READ_FILE = "FAILED_READ_FILE";
  /** How a task's exception that Spark could not serialize appears in the job's message. */
  private static final String INPUT_EXCEPTION_TEXT = InputException.class.getName() + ": ";

  /**
   * The failure {@code thrown} by the job (or by Spark while it started or stopped).
   *
   * @param activity what the command was doing, completing "Cannot finish ...", e.g. "scoring"
   */
  static Failure of(Throwable thrown, String activity) {
    List<Throwable> causes = causes(thrown);
    for (Throwable cause : causes) {
      if (cause instanceof InputException) {
        return byUser(cause.getMessage());
      }
    }
    // The driver's own checks say best what failed, whatever their causes.
    if (thrown instanceof IllegalArgumentException && startsWithCannot(thrown)) {
      return byUser(thrown.getMessage());
    }
    for (Throwable cause : causes) {
      String message = String.valueOf(cause.getMessage());
      int at = message.indexOf(INPUT_EXCEPTION_TEXT);
      if (at >= 0) {
        return byUser(message.substring(at + INPUT_EXCEPTION_TEXT.length()));
      }
    }
    for (Throwable cause : causes) {
      if (cause instanceof SparkThrowable spark && String.valueOf(spark.getCondition()).startsWith(FAILED_READ_FILE)) {
        String path = spark.getMessageParameters().getOrDefault("path", "(unknown file)");
        return byUser("Cannot read input " + path + ": " + firstLine(rootCause(cause).getMessage()));
      }
    }
    for (Throwable cause : causes) {
      if (cause instanceof AccessDeniedException denied) {
        return byUser(accessDenied(denied));
      }
    }
    return internal(causes, activity);
  }

  /** Whether the user can fix it. */
  boolean byUser() {
    return exitCode == ExitCodes.CONFIG_ERROR;
  }

  private static Failure byUser(String message) {
    return new Failure(ExitCodes.CONFIG_ERROR, firstLine(message));
  }

  private static Failure internal(List<Throwable> causes, String activity) {
    for (int i = causes.size() - 1; i >= 0; i--) {
      if (startsWithCannot(causes.get(i))) {
        return new Failure(ExitCodes.RUNTIME_FAILURE, firstLine(causes.get(i).getMessage()));
      }
    }
    Throwable root = causes.get(causes.size() - 1);
    String described = root.getMessage() == null
        ? root.getClass().getName()
        : root.getClass().getName() + ": " + firstLine(root.getMessage());
    return new Failure(ExitCodes.RUNTIME_FAILURE, "Cannot finish " + activity + ": " + described);
  }

  private static String accessDenied(AccessDeniedException denied) {
    String path = denied.getFile() == null ? "the storage" : denied.getFile();
    String fix = path.startsWith("s3a://")
        ? "check the credentials (fs.s3a.access.key and fs.s3a.secret.key, or fs.s3a.aws.credentials.provider)"
            + " and the bucket's policy"
        : "check the credentials and permissions";
    Throwable root = rootCause(denied);
    String detail = root == denied ? denied.getReason() : root.getMessage();
    return "Cannot access " + path + ": access denied" + (detail == null ? "" : " (" + firstLine(detail) + ")") + "; "
        + fix;
  }

  private static boolean startsWithCannot(Throwable thrown) {
    return thrown.getMessage() != null && thrown.getMessage().startsWith(CANNOT);
  }

  /** {@code thrown} and its causes, outermost first; a cause met twice ends the chain. */
  private static List<Throwable> causes(Throwable thrown) {
    List<Throwable> causes = new ArrayList<>();
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Throwable cause = thrown; cause != null && seen.add(cause); cause = cause.getCause()) {
      causes.add(cause);
    }
    return causes;
  }

  private static Throwable rootCause(Throwable thrown) {
    List<Throwable> causes = causes(thrown);
    for (int i = causes.size() - 1; i > 0; i--) {
      if (causes.get(i).getMessage() != null) {
        return causes.get(i);
      }
    }
    return thrown;
  }

  /** The first non-blank line of {@code message}, stripped. */
  static String firstLine(String message) {
    if (message == null) {
      return "(no message)";
    }
    for (String line : message.split("\\R")) {
      if (!line.isBlank()) {
        return line.strip();
      }
    }
    return "(no message)";
  }
}

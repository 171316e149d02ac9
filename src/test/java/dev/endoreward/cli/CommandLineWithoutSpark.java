package dev.endoreward.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import picocli.CommandLine;

/**
 * The project's command line for tests of what fails before any Spark work: its score job does nothing, its
 * Spark sessions are only counted, no default configuration file is found, and what it prints on stderr is kept.
 */
final class CommandLineWithoutSpark {
  private int sessionsOpened;
  private final StringWriter err = new StringWriter();

  /** Runs {@code args} and returns the exit code. */
  int execute(String... args) {
    CommandLine commandLine = Main.commandLine((spark, config) -> null, () -> {
      sessionsOpened++;
      return null;
    }, Path.of("no-such-default.properties"));
    commandLine.setOut(new PrintWriter(new StringWriter(), true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute(args);
  }

  /** How many Spark sessions the commands asked for. */
  int sessionsOpened() {
    return sessionsOpened;
  }

  /** Everything printed on stderr so far. */
  String err() {
    return err.toString();
  }
}

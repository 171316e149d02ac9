package dev.endoreward.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The curation commands' configuration errors: one "Cannot ..." line, exit code 2, and no Spark session. */
class TestCurateCommands {
  private int sessionsOpened;
  private final StringWriter err = new StringWriter();

  private int execute(String... args) {
    CommandLine commandLine = Main.commandLine((spark, config) -> null, () -> {
      sessionsOpened++;
      return null;
    }, Path.of("no-such-default.properties"));
    commandLine.setOut(new PrintWriter(new StringWriter(), true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute(args);
  }

  @Test
  void badValueExitsTwoBeforeSpark() {
    int code = execute("best-of-n", "--input", "/in", "--output", "/out", "--set", "best-of-n.k=0");

    assertThat(code).isEqualTo(ExitCodes.CONFIG_ERROR);
    assertThat(err.toString()).isEqualTo("Cannot set best-of-n.k to '0': it must be at least 1 (--set best-of-n.k=0)"
        + System.lineSeparator());
    assertThat(sessionsOpened).isZero();
  }

  @Test
  void missingOutputExitsTwoBeforeSpark() {
    int code = execute("offline-rl", "--input", "/in");

    assertThat(code).isEqualTo(ExitCodes.CONFIG_ERROR);
    assertThat(err.toString()).startsWith("Cannot build offline-RL data without output.path: pass --output <dir>"
        + " or set output.path");
    assertThat(sessionsOpened).isZero();
  }
}

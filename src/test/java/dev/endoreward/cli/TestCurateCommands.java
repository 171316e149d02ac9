package dev.endoreward.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The curation commands' configuration errors: one "Cannot ..." line, exit code 2, and no Spark session. */
class TestCurateCommands {
  private final CommandLineWithoutSpark cli = new CommandLineWithoutSpark();

  @Test
  void badValueExitsTwoBeforeSpark() {
    int code = cli.execute("best-of-n", "--input", "/in", "--output", "/out", "--set", "best-of-n.k=0");

    assertThat(code).isEqualTo(ExitCodes.CONFIG_ERROR);
    assertThat(cli.err()).isEqualTo("Cannot set best-of-n.k to '0': it must be at least 1 (--set best-of-n.k=0)"
        + System.lineSeparator());
    assertThat(cli.sessionsOpened()).isZero();
  }

  @Test
  void missingOutputExitsTwoBeforeSpark() {
    int code = cli.execute("offline-rl", "--input", "/in");

    assertThat(code).isEqualTo(ExitCodes.CONFIG_ERROR);
    assertThat(cli.err()).startsWith("Cannot build offline-RL data without output.path: pass --output <dir>"
        + " or set output.path");
    assertThat(cli.sessionsOpened()).isZero();
  }
}

package dev.endoreward.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code eval}'s command-line errors: one "Cannot ..." line, exit code 2, and no Spark session. */
class TestEvalCommand {
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
  void missingFormatExitsTwoBeforeSpark() {
    int code = execute("eval", "--model", "/m", "--input", "/in", "--output", "/out");

    assertThat(code).isEqualTo(ExitCodes.CONFIG_ERROR);
    // The shipped conf/eval.properties, read from the working folder, leaves it empty: the line says where.
    assertThat(err.toString()).startsWith("Cannot evaluate without eval.format: pass --format"
        + " hh-rlhf|llmbar|rewardbench|rm-bench or set eval.format").hasLineCount(1);
    assertThat(sessionsOpened).isZero();
  }

  @Test
  void unknownFormatExitsTwoBeforeSpark() {
    int code = execute("eval", "--model", "/m", "--input", "/in", "--output", "/out", "--format", "mt-bench");

    assertThat(code).isEqualTo(ExitCodes.CONFIG_ERROR);
    assertThat(err.toString()).isEqualTo("Cannot set eval.format to 'mt-bench': use one of hh-rlhf, llmbar,"
        + " rewardbench, rm-bench" + System.lineSeparator());
    assertThat(sessionsOpened).isZero();
  }

  @Test
  void missingModelExitsTwoBeforeSpark() {
    int code = execute("eval", "--input", "/in", "--output", "/out", "--format", "llmbar");

    assertThat(code).isEqualTo(ExitCodes.CONFIG_ERROR);
    assertThat(err.toString()).isEqualTo("Cannot score without model.path: pass --model <dir> or set model.path"
        + System.lineSeparator());
    assertThat(sessionsOpened).isZero();
  }

  @Test
  void keyThatEvalSetsItselfExitsTwoBeforeSpark() {
    int code = execute("eval", "--model", "/m", "--input", "/in", "--output", "/out", "--format", "llmbar",
        "--set", "input.column.messages=conversation");

    assertThat(code).isEqualTo(ExitCodes.CONFIG_ERROR);
    assertThat(err.toString()).isEqualTo("Cannot set input.column.messages for eval: eval writes the rows it scores"
        + " itself (--set input.column.messages=conversation)" + System.lineSeparator());
    assertThat(sessionsOpened).isZero();
  }
}

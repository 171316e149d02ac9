package dev.endoreward.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code eval}'s command-line errors: one "Cannot ..." line, exit code 2, and no Spark session. */
class TestEvalCommand {
  private final CommandLineWithoutSpark cli = new CommandLineWithoutSpark();

  @Test
  void missingFormatExitsTwoBeforeSpark() {
    int code = cli.execute("eval", "--model", "/m", "--input", "/in", "--output", "/out");

    assertThat(code).isEqualTo(ExitCodes.CONFIG_ERROR);
    // The shipped conf/eval.properties, read from the working folder, leaves it empty: the line says where.
    assertThat(cli.err()).startsWith("Cannot evaluate without eval.format: pass --format"
        + " hh-rlhf|llmbar|rewardbench|rm-bench or set eval.format").hasLineCount(1);
    assertThat(cli.sessionsOpened()).isZero();
  }

  @Test
  void unknownFormatExitsTwoBeforeSpark() {
    int code = cli.execute("eval", "--model", "/m", "--input", "/in", "--output", "/out", "--format", "mt-bench");

    assertThat(code).isEqualTo(ExitCodes.CONFIG_ERROR);
    assertThat(cli.err()).isEqualTo("Cannot set eval.format to 'mt-bench': use one of hh-rlhf, llmbar,"
        + " rewardbench, rm-bench" + System.lineSeparator());
    assertThat(cli.sessionsOpened()).isZero();
  }

  @Test
  void missingModelExitsTwoBeforeSpark() {
    int code = cli.execute("eval", "--input", "/in", "--output", "/out", "--format", "llmbar");

    assertThat(code).isEqualTo(ExitCodes.CONFIG_ERROR);
    assertThat(cli.err()).isEqualTo("Cannot score without model.path: pass --model <dir> or set model.path"
        + System.lineSeparator());
    assertThat(cli.sessionsOpened()).isZero();
  }

  @Test
  void keyThatEvalSetsItselfExitsTwoBeforeSpark() {
    int code = cli.execute("eval", "--model", "/m", "--input", "/in", "--output", "/out", "--format", "llmbar",
        "--set", "input.column.messages=conversation");

    assertThat(code).isEqualTo(ExitCodes.CONFIG_ERROR);
    assertThat(cli.err()).isEqualTo("Cannot set input.column.messages for eval: eval writes the rows it scores"
        + " itself (--set input.column.messages=conversation)" + System.lineSeparator());
    assertThat(cli.sessionsOpened()).isZero();
  }
}

package dev.endoreward.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The progress line and other output on one terminal: what a terminal would show, line by line. */
class TestProgressTerminal {
  private final ByteArrayOutputStream screen = new ByteArrayOutputStream();
  private final ProgressTerminal terminal = new ProgressTerminal(new PrintStream(screen, true, Charset.defaultCharset()));
  private final PrintStream others = terminal.asPrintStream();

  /**
   * The lines a terminal shows for what was written: a carriage return goes back to the line's start and
   * later characters overwrite earlier ones, a newline starts the next line.
   */
  private List<String> shownLines() {
    String written = screen.toString(Charset.defaultCharset());
    StringBuilder done = new StringBuilder();
    StringBuilder line = new StringBuilder();
    int column = 0;
    for (char c : written.toCharArray()) {
      if (c == '\r') {
        column = 0;
      } else if (c == '\n') {
        done.append(line.toString().stripTrailing()).append('\n');
        line.setLength(0);
        column = 0;
      } else {
        if (column < line.length()) {
          line.setCharAt(column, c);
        } else {
          line.append(c);
        }
        column++;
      }
    }
    done.append(line.toString().stripTrailing());
    return Arrays.asList(done.toString().split("\n", -1));
  }

  @Test
  void aLogLineClearsTheProgressLineWhichComesBackBelowIt() {
    terminal.show("endoreward: 10 / 100 rows, a longer line");
    others.print("12:00:00 WARN X: something\n");
    assertThat(shownLines()).containsExactly("12:00:00 WARN X: something", "endoreward: 10 / 100 rows, a longer line");
  }

  @Test
  void aShorterLineLeavesNothingOfTheLongerOne() {
    terminal.show("endoreward: 10 / 100 rows, a longer line");
    terminal.show("endoreward: 20 / 100 rows");
    assertThat(shownLines()).containsExactly("endoreward: 20 / 100 rows");
  }

  @Test
  void progressWaitsWhileOtherOutputIsMidLine() {
    terminal.show("endoreward: 10 / 100 rows");
    others.print("12:00:00 WARN X: some");
    terminal.show("endoreward: 20 / 100 rows");
    others.print("thing\n");
    assertThat(shownLines()).containsExactly("12:00:00 WARN X: something", "endoreward: 20 / 100 rows");
  }

  @Test
  void finishLeavesTheLastLineEndedByANewline() {
    terminal.show("endoreward: 10 / 100 rows");
    terminal.finish("endoreward: 100 / 100 rows");
    others.print("Scored 100 rows\n");
    assertThat(shownLines()).containsExactly("endoreward: 100 / 100 rows", "Scored 100 rows", "");
    assertThat(screen.toString(Charset.defaultCharset())).endsWith("\nScored 100 rows\n");
  }

  @Test
  void finishAfterPartOfALineStartsItsOwnLine() {
    others.print("12:00:00 WARN X: some");
    terminal.finish("endoreward: 100 / 100 rows");
    assertThat(shownLines()).containsExactly("12:00:00 WARN X: some", "endoreward: 100 / 100 rows", "");
  }
}

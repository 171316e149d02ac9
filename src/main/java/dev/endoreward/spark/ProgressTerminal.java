package dev.endoreward.spark;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;

/**
 * A terminal's stderr shared by one updating progress line and everything else that writes there (the log's
 * console appender, which follows {@code System.err}). Other output first clears the progress line, so that
 * no line ever holds both; once that output has ended its line, the progress line is drawn again below it.
 */
final class ProgressTerminal extends OutputStream {
  private final PrintStream terminal;
  private String line = "";
  /** Characters of the progress line on the screen now, 0 when none is. */
  private int shownLength;
  private boolean othersMidLine;

  /** @param terminal the stream the terminal shows, the original {@code System.err} */
  ProgressTerminal(PrintStream terminal) {
    this.terminal = terminal;
  }

  /** Draws {@code text} as the progress line, in place of the one shown; waits while others are mid-line. */
  synchronized void show(String text) {
    line = text;
    if (!othersMidLine) {
      draw();
    }
  }

  /** Draws {@code text} as the last progress line and ends it, so that what follows starts on a line of its own. */
  synchronized void finish(String text) {
    if (othersMidLine) {
      terminal.println();
      othersMidLine = false;
    }
    line = text;
    draw();
    terminal.println();
    terminal.flush();
    line = "";
    shownLength = 0;
  }

  @Override
  public synchronized void write(int b) {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public synchronized void write(byte[] bytes, int offset, int length) {
    if (length == 0) {
      return;
    }
    clear();
    terminal.write(bytes, offset, length);
    othersMidLine = bytes[offset + length - 1] != '\n';
    if (!othersMidLine && !line.isEmpty()) {
      draw();
    }
  }

  @Override
  public synchronized void flush() {
    terminal.flush();
  }

  /** Writes the progress line over the one shown, blanking what a longer one leaves behind. */
  private void draw() {
    terminal.print("\r" + line + " ".repeat(Math.max(0, shownLength - line.length())));
    terminal.flush();
    shownLength = Math.max(shownLength, line.length());
  }

  /** Blanks the progress line and returns to its start, where the next output begins. */
  private void clear() {
    if (shownLength > 0) {
      terminal.print("\r" + " ".repeat(shownLength) + "\r");
      shownLength = 0;
    }
  }

  /** A print stream over this terminal, to stand in for {@code System.err}. */
  PrintStream asPrintStream() {
    return new PrintStream(this, true, Charset.defaultCharset());
  }
}

package dev.endoreward.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * A JSON Lines line is blank, and no row, exactly when it is UTF-8 whose text {@link String#isBlank} calls
 * blank: the row count, which reads no text, and the reader, which decodes every line, must agree on it.
 */
class TestBlankLines {
  /** Pieces of lines: ASCII and Unicode whitespace, a no-break space (not whitespace), text, and bad UTF-8. */
  private static final List<byte[]> PIECES = List.of(
      bytes(" "), bytes("\t"), bytes("\r"), bytes("\u000B"), bytes("\f"), bytes("\u001C"),
      bytes("\u3000"), bytes("\u2003"), bytes("\u2028"), bytes("\u00A0"), bytes("\u0085"),
      bytes("{"), bytes("a"), bytes("é"), bytes("\uD83D\uDE00"),
      new byte[] {(byte) 0xFF}, new byte[] {(byte) 0xC2}, new byte[] {(byte) 0xE3, (byte) 0x80},
      new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}); // an encoded surrogate, not UTF-8

  @Property(tries = 2_000)
  void aLineIsBlankExactlyWhenItIsUtf8AndItsTextIsBlank(@ForAll("lines") byte[] line) {
    assertThat(JsonLineCheck.isBlank(line, line.length)).isEqualTo(isUtf8(line)
        && new String(line, StandardCharsets.UTF_8).isBlank());
  }

  @Property(tries = 200)
  void onlyTheLengthGivenIsRead(@ForAll("lines") byte[] line) {
    byte[] padded = Arrays.copyOf(line, line.length + 3);
    padded[line.length] = 'x';
    assertThat(JsonLineCheck.isBlank(padded, line.length)).isEqualTo(JsonLineCheck.isBlank(line, line.length));
  }

  @Provide
  Arbitrary<byte[]> lines() {
    return Arbitraries.of(PIECES).list().ofMaxSize(6).map(pieces -> {
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      pieces.forEach(line::writeBytes);
      return line.toByteArray();
    });
  }

  /** True when the bytes decode and encode back unchanged: Java replaces what is not UTF-8. */
  private static boolean isUtf8(byte[] line) {
    return Arrays.equals(new String(line, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8), line);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}

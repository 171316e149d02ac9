package dev.endoreward.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Hostile input for the score job, as JSON Lines and as Parquet, with each record's outcome known by
 * construction: nulls, empty strings, 1 MB strings, repeated ids, wrong types, lines that are not JSON,
 * bytes that are not UTF-8, lone surrogates, control characters, control tokens in user text, combining
 * marks, right-to-left text and emoji. Outcomes assume {@code input.duplicate-ids=reject} and
 * {@code input.on-malformed=reject}, and a model of at most a few thousand positions (the 1 MB response
 * cannot fit, the 1 MB prompt is cut from the left).
 */
public final class HostileCorpus {
  /** The outcome of a record that is scored. */
  public static final String SCORED = "SCORED";

  private static final String PROMPT = "What is 2 + 3?";
  private static final String RESPONSE = " 2 + 3 = 5";
  private static final String MEGABYTE = "7 + 8 = 15. ".repeat((1 << 20) / 12);
  private static final String CONTROLS = "bell\u0007 nul\u0000 escape\u001b[0m back\bspace vertical\u000btab";
  private static final String CONTROL_TOKENS = "<s> What is </s> 2 + 3? <|im_start|>user<|im_end|>";
  private static final String UNICODE = "Cafe\u0301 \u0645\u0631\u062d\u0628\u0627 \u05e9\u05dc\u05d5\u05dd"
      + " \ud83d\ude00\ud83d\udc4d\ud83c\udffd e\u0308\u0323";

  /**
   * One JSON Lines line.
   *
   * @param label what it tests
   * @param id the id it carries in the output, or null when the output cannot know it
   * @param bytes the line, without its line feed
   * @param expected {@link #SCORED}, a reject reason, or null for a blank line, which is no row
   * @param prompt the prompt the output must carry exactly when scored, or null to not check it
   */
  public record Line(String label, String id, byte[] bytes, String expected, String prompt) {}

  /**
   * One Parquet row: the string columns as raw bytes (which need not be UTF-8), null for a null.
   *
   * @param expected {@link #SCORED} or a reject reason
   */
  public record ParquetRow(String label, byte[] id, byte[] prompt, byte[] response, String expected) {}

  private HostileCorpus() {}

  /** The JSON Lines records, in file order; line {@code i + 1} of the file is element {@code i}. */
  public static List<Line> lines() {
    List<Line> lines = new ArrayList<>();
    lines.add(json("plain pair", "ok", PROMPT, RESPONSE, SCORED));
    lines.add(blank("empty line", ""));
    lines.add(json("null prompt", "null-prompt", null, RESPONSE, "NULL_FIELD"));
    lines.add(json("null response", "null-response", PROMPT, null, "NULL_FIELD"));
    lines.add(raw("null id", null, "{\"id\":null,\"prompt\":\"" + PROMPT + "\",\"response\":\"" + RESPONSE + "\"}",
        "NULL_FIELD"));
    lines.add(raw("missing response", "no-response", "{\"id\":\"no-response\",\"prompt\":\"" + PROMPT + "\"}",
        "NULL_FIELD"));
    lines.add(json("empty prompt", "empty-prompt", "", RESPONSE, SCORED));
    lines.add(json("empty response", "empty-response", PROMPT, "", "EMPTY_RESPONSE"));
    lines.add(blank("blank line of spaces and a tab", "   \t "));
    lines.add(json("1 MB prompt", "huge-prompt", MEGABYTE, RESPONSE, SCORED));
    lines.add(json("1 MB response", "huge-response", PROMPT, MEGABYTE, "TOO_LONG"));
    lines.add(json("first of a repeated id", "twice", PROMPT, RESPONSE, SCORED));
    lines.add(json("second of a repeated id", "twice", PROMPT, " 2 + 3 = 6", "DUPLICATE_ID"));
    lines.add(raw("prompt is a number", null, "{\"id\":\"number-prompt\",\"prompt\":5,\"response\":\"x\"}",
        "MALFORMED_INPUT"));
    lines.add(raw("id is an array", null, "{\"id\":[1],\"prompt\":\"a\",\"response\":\"b\"}", "MALFORMED_INPUT"));
    lines.add(raw("cut-off JSON", null, "{\"id\":\"cut\",\"prompt\":\"a\",\"resp", "MALFORMED_INPUT"));
    lines.add(raw("an array, not an object", null, "[1, 2, 3]", "MALFORMED_INPUT"));
    lines.add(raw("not JSON at all", null, "id=plain prompt=text", "MALFORMED_INPUT"));
    lines.add(raw("a long line that is not JSON", null, "{\"id\":\"long-bad\",\"prompt\":\"" + "x".repeat(5000),
        "MALFORMED_INPUT"));
    lines.add(raw("two objects on one line", null, "{\"id\":\"a2\"} {\"id\":\"b2\"}", "MALFORMED_INPUT"));
    lines.add(new Line("bytes that are not UTF-8", null, concat(
        "{\"id\":\"bad-bytes\",\"prompt\":\"caf".getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xE9},
        ("\",\"response\":\"" + RESPONSE + "\"}").getBytes(StandardCharsets.UTF_8)), "INVALID_TEXT", null));
    lines.add(raw("a lone high surrogate escape", null,
        "{\"id\":\"high\",\"prompt\":\"a\\uD800b\",\"response\":\"" + RESPONSE + "\"}", "INVALID_TEXT"));
    lines.add(raw("a lone low surrogate escape", null,
        "{\"id\":\"low\",\"prompt\":\"" + PROMPT + "\",\"response\":\"x\\uDC00\"}", "INVALID_TEXT"));
    Line pair = raw("a surrogate pair as escapes", "escaped-emoji",
        "{\"id\":\"escaped-emoji\",\"prompt\":\"smile \\uD83D\\uDE00\",\"response\":\"" + RESPONSE + "\"}", SCORED);
    lines.add(new Line(pair.label(), pair.id(), pair.bytes(), SCORED, "smile \ud83d\ude00"));
    lines.add(json("control characters", "controls", CONTROLS, RESPONSE, SCORED));
    lines.add(json("control tokens in user text", "control-tokens", CONTROL_TOKENS, RESPONSE, SCORED));
    lines.add(json("combining marks, right-to-left text, emoji", "unicode", UNICODE, RESPONSE, SCORED));
    return lines;
  }

  /** The Parquet rows, in file order (row index {@code i} is element {@code i}). */
  public static List<ParquetRow> parquetRows() {
    List<ParquetRow> rows = new ArrayList<>();
    rows.add(parquet("plain pair", "ok", PROMPT, RESPONSE, SCORED));
    rows.add(parquet("null prompt", "null-prompt", null, RESPONSE, "NULL_FIELD"));
    rows.add(parquet("null response", "null-response", PROMPT, null, "NULL_FIELD"));
    rows.add(parquet("null id", null, PROMPT, RESPONSE, "NULL_FIELD"));
    rows.add(parquet("empty prompt", "empty-prompt", "", RESPONSE, SCORED));
    rows.add(parquet("empty response", "empty-response", PROMPT, "", "EMPTY_RESPONSE"));
    rows.add(parquet("1 MB prompt", "huge-prompt", MEGABYTE, RESPONSE, SCORED));
    rows.add(parquet("1 MB response", "huge-response", PROMPT, MEGABYTE, "TOO_LONG"));
    rows.add(parquet("first of a repeated id", "twice", PROMPT, RESPONSE, SCORED));
    rows.add(parquet("second of a repeated id", "twice", PROMPT, " 2 + 3 = 6", "DUPLICATE_ID"));
    rows.add(new ParquetRow("a byte that is not UTF-8", utf8("bad-bytes"),
        concat(utf8("caf"), new byte[] {(byte) 0xE9}), utf8(RESPONSE), "INVALID_TEXT"));
    // U+D800 encoded as UTF-8 would be (CESU-8): not valid UTF-8
    rows.add(new ParquetRow("a lone surrogate's bytes", utf8("surrogate"), utf8(PROMPT),
        concat(utf8("x"), new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}), "INVALID_TEXT"));
    rows.add(parquet("control characters", "controls", CONTROLS, RESPONSE, SCORED));
    rows.add(parquet("control tokens in user text", "control-tokens", CONTROL_TOKENS, RESPONSE, SCORED));
    rows.add(parquet("combining marks, right-to-left text, emoji", "unicode", UNICODE, RESPONSE, SCORED));
    return rows;
  }

  /** The prompt a scored Parquet row must carry exactly, by id; null when the id has none to check. */
  public static String promptOf(ParquetRow row) {
    return row.prompt() == null ? null : new String(row.prompt(), StandardCharsets.UTF_8);
  }

  /** Writes {@link #lines()} to {@code file}, each ending in a line feed, and returns it. */
  public static Path writeJsonLines(Path file) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Line line : lines()) {
      out.writeBytes(line.bytes());
      out.write('\n');
    }
    try {
      return Files.write(file, out.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Writes {@link #parquetRows()} as one Parquet file in {@code folder} with string columns id, prompt and
   * response (their bytes as given, UTF-8 or not), and returns the file.
   */
  public static Path writeParquet(SparkSession spark, Path folder) {
    StructType binary = new StructType().add("id", DataTypes.BinaryType).add("prompt", DataTypes.BinaryType)
        .add("response", DataTypes.BinaryType);
    List<Row> rows = parquetRows().stream().map(r -> RowFactory.create(r.id(), r.prompt(), r.response())).toList();
    Path written = folder.resolve("written");
    // a cast from binary keeps the bytes as they are, so the strings hold exactly these bytes
    spark.createDataFrame(rows, binary).coalesce(1)
        .select(functions.col("id").cast(DataTypes.StringType).as("id"),
            functions.col("prompt").cast(DataTypes.StringType).as("prompt"),
            functions.col("response").cast(DataTypes.StringType).as("response"))
        .write().parquet(written.toString());
    try (var files = Files.list(written)) {
      Path part = files.filter(f -> f.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow();
      Path file = Files.move(part, folder.resolve("hostile.parquet"));
      try (var rest = Files.walk(written)) {
        rest.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes a file named {@code name} in {@code folder} that starts and ends like Parquet but is not, and returns it. */
  public static Path writeCorruptParquet(Path folder, String name) {
    byte[] noise = new byte[4096];
    new Random(9).nextBytes(noise);
    try {
      return Files.write(folder.resolve(name), concat(utf8("PAR1"), noise, utf8("PAR1")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Line json(String label, String id, String prompt, String response, String expected) {
    StringBuilder text = new StringBuilder("{\"id\":").append(quote(id)).append(",\"prompt\":").append(quote(prompt))
        .append(",\"response\":").append(quote(response)).append('}');
    return new Line(label, id, utf8(text.toString()), expected, SCORED.equals(expected) ? prompt : null);
  }

  private static Line raw(String label, String id, String text, String expected) {
    return new Line(label, id, utf8(text), expected, null);
  }

  private static Line blank(String label, String text) {
    return new Line(label, null, utf8(text), null, null);
  }

  private static ParquetRow parquet(String label, String id, String prompt, String response, String expected) {
    return new ParquetRow(label, utf8(id), utf8(prompt), utf8(response), expected);
  }

  /** A JSON string: quotes, backslashes and every control character escaped, everything else as is. */
  private static String quote(String text) {
    if (text == null) {
      return "null";
    }
    StringBuilder quoted = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      if (c == '"' || c == '\\') {
        quoted.append('\\').append(c);
      } else if (c < 0x20) {
        quoted.append(String.format("\\u%04x", (int) c));
      } else {
        quoted.append(c);
      }
    }
    return quoted.append('"').toString();
  }

  private static byte[] utf8(String text) {
    return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}

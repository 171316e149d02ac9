package dev.endoreward.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Input rows of a score job test, by id in the order added, written as JSON Lines. */
public final class PairRows {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, ObjectNode> rows = new LinkedHashMap<>();

  /**
   * Rows hh-0, hh-1 ... of the first {@code comparisons} HH-RLHF comparisons: each one's chosen response,
   * then its rejected one, to the same prompt.
   */
  public static PairRows hhRlhf(int comparisons) {
    PairRows rows = new PairRows();
    for (PreferenceData.Comparison c : PreferenceData.hhRlhf(comparisons)) {
      rows.add("hh-" + rows.rows.size(), c.prompt(), c.chosen());
      rows.add("hh-" + rows.rows.size(), c.prompt(), c.rejected());
    }
    return rows;
  }

  /** Adds a row with columns id, prompt and response (null writes a JSON null); returns it for more columns. */
  public ObjectNode add(String id, String prompt, String response) {
    ObjectNode row = JSON.createObjectNode();
    row.put("id", id);
    row.put("prompt", prompt);
    row.put("response", response);
    rows.put(id, row);
    return row;
  }

  /** The rows by id, in the order added. */
  public Map<String, ObjectNode> byId() {
    return Collections.unmodifiableMap(rows);
  }

  /** One JSON object per line, each line ending in a line feed. */
  public String toJsonLines() {
    StringBuilder lines = new StringBuilder();
    try {
      for (ObjectNode row : rows.values()) {
        lines.append(JSON.writeValueAsString(row)).append('\n');
      }
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write a test row as JSON", e);
    }
    return lines.toString();
  }

  /** Writes {@link #toJsonLines()} to {@code file}, UTF-8, and returns the file. */
  public Path writeJsonLines(Path file) {
    try {
      return Files.writeString(file, toJsonLines(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

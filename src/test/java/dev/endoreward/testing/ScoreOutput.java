package dev.endoreward.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * A score job's output folder read as the README tells users to read it, without the job's own code:
 * {@code scored/} and {@code rejected/} hold {@code run_id=<id>/unit=<n>/} folders of Parquet files, and
 * {@code _summary.json} lists the folder's runs.
 */
public final class ScoreOutput {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ScoreOutput() {}

  /** The glob of every Parquet file of {@code child} ({@code scored} or {@code rejected}), all runs. */
  public static String glob(Path output, String child) {
    return output.resolve(child).resolve("*/*/*.parquet").toString();
  }

  /** {@code _summary.json}. */
  public static JsonNode summary(Path output) {
    try {
      return JSON.readTree(output.resolve("_summary.json").toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The summary's only run. */
  public static JsonNode onlyRun(Path output) {
    JsonNode runs = summary(output).get("runs");
    if (runs.size() != 1) {
      throw new IllegalStateException("Expected one run in " + output + ", found " + runs.size());
    }
    return runs.get(0);
  }
}

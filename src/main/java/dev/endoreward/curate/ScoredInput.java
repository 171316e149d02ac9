package dev.endoreward.curate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A complete {@code score} output folder, checked on the driver before any Spark job: it has
 * {@code _SUCCESS}, its run records, and a {@code scored/} folder. Its scored rows come without the
 * {@code run_id} and {@code unit} folder columns.
 */
final class ScoredInput {
  static final String PROMPT_ID = "prompt_id";
  static final String RESPONSE_TOKENS = "num_response_tokens";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String path;
  private final String verb;
  private final Dataset<Row> scored;
  private final long rejectedRows;
  private final RunSettings settings;

  private ScoredInput(String path, String verb, Dataset<Row> scored, long rejectedRows, RunSettings settings) {
    this.path = path;
    this.verb = verb;
    this.scored = scored;
    this.rejectedRows = rejectedRows;
    this.settings = settings;
  }

  /**
   * Opens {@code path}.
   *
   * @param verb completes "Cannot ... &lt;path&gt;", e.g. "build pairs from"
   * @throws IllegalArgumentException "Cannot &lt;verb&gt; &lt;path&gt;: ..." when it is not a complete score output
   */
  static ScoredInput open(SparkSession spark, String path, String verb) {
    Path root = new Path(path);
    try {
      FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(root)) {
        throw new IllegalArgumentException("Cannot " + verb + " " + path + ": it does not exist");
      }
      if (!fs.exists(new Path(root, "_SUCCESS"))) {
        throw new IllegalArgumentException("Cannot " + verb + " " + path + ": it is not a complete score output"
            + " (no _SUCCESS); finish its run first (jobs/score.sh ... --resume)");
      }
      RunSettings settings = settings(fs, root, path, verb);
      Dataset<Row> scored = spark.read().parquet(new Path(root, "scored").toString()).drop("run_id", "unit");
      Path rejectedFolder = new Path(root, "rejected");
      long rejected = fs.exists(rejectedFolder) ? spark.read().parquet(rejectedFolder.toString()).count() : 0;
      return new ScoredInput(path, verb, scored, rejected, settings);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot " + verb + " " + path + ": " + e.getMessage(), e);
    }
  }

  /** The settings of every run in the folder, which must agree (an appended run was checked against them). */
  private static RunSettings settings(FileSystem fs, Path root, String path, String verb) throws IOException {
    Path runs = new Path(root, "_runs");
    List<RunSettings> found = new ArrayList<>();
    FileStatus[] statuses = fs.exists(runs) ? fs.listStatus(runs) : new FileStatus[0];
    Arrays.sort(statuses);
    for (FileStatus run : statuses) {
      Path record = new Path(run.getPath(), "run.json");
      if (run.isDirectory() && fs.exists(record)) {
        try (InputStream in = fs.open(record)) {
          JsonNode config = JSON.readTree(in).path("config");
          Map<String, String> values = new LinkedHashMap<>();
          config.fields().forEachRemaining(field -> values.put(field.getKey(), field.getValue().asText()));
          found.add(RunSettings.of(values));
        }
      }
    }
    if (found.isEmpty()) {
      throw new IllegalArgumentException("Cannot " + verb + " " + path + ": it has no _runs/<run_id>/run.json;"
          + " give the folder that jobs/score.sh wrote");
    }
    if (found.stream().distinct().count() > 1) {
      throw new IllegalArgumentException("Cannot " + verb + " " + path
          + ": its runs read different columns or scored with different terminal values; curate each on its own");
    }
    return found.get(0);
  }

  Dataset<Row> scored() {
    return scored;
  }

  /** Rows the score run rejected ({@code rejected/}): they have no score and take no part. */
  long rejectedRows() {
    return rejectedRows;
  }

  RunSettings settings() {
    return settings;
  }

  /**
   * Fails unless the scored rows have {@code column}.
   *
   * @param fix what to do about it, completing the message
   */
  void require(String column, String fix) {
    if (!Arrays.asList(scored.columns()).contains(column)) {
      throw new IllegalArgumentException("Cannot " + verb + " " + path + ": its scored rows have no " + column
          + " column; " + fix);
    }
  }

  /** Fails unless the rows carry {@code prompt_id}, which groups a prompt's responses. */
  void requirePromptIds() {
    require(PROMPT_ID, "score the input again with this version, which writes it");
  }
}

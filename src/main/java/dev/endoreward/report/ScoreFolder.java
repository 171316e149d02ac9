package dev.endoreward.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A complete {@code score} output folder, checked on the driver before any Spark job: it has {@code _SUCCESS}
 * and {@code _summary.json}. Its column names (id, prompt, response or messages) come from its last run's
 * settings, which an appended run shares.
 */
final class ScoreFolder {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String path;
  private final JsonNode summary;
  private final Dataset<Row> scored;
  private final Dataset<Row> rejected;

  private ScoreFolder(String path, JsonNode summary, Dataset<Row> scored, Dataset<Row> rejected) {
    this.path = path;
    this.summary = summary;
    this.scored = scored;
    this.rejected = rejected;
  }

  /** @throws IllegalArgumentException "Cannot report on &lt;path&gt;: ..." when it is not a complete score output */
  static ScoreFolder open(SparkSession spark, String path) {
    Path root = new Path(path);
    try {
      FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(root)) {
        throw new IllegalArgumentException("Cannot report on " + path + ": it does not exist");
      }
      if (!fs.exists(new Path(root, "_SUCCESS"))) {
        throw new IllegalArgumentException("Cannot report on " + path + ": it is not a complete score output"
            + " (no _SUCCESS); finish its run first (jobs/score.sh ... --resume)");
      }
      Path summaryFile = new Path(root, "_summary.json");
      if (!fs.exists(summaryFile) || !fs.exists(new Path(root, "scored"))) {
        throw new IllegalArgumentException("Cannot report on " + path + ": it has no _summary.json or scored/;"
            + " give the folder that jobs/score.sh wrote");
      }
      JsonNode summary;
      try (InputStream in = fs.open(summaryFile)) {
        summary = JSON.readTree(in);
      }
      Dataset<Row> scored = spark.read().parquet(new Path(root, "scored").toString()).drop("run_id", "unit");
      Path rejectedFolder = new Path(root, "rejected");
      Dataset<Row> rejected = fs.exists(rejectedFolder) ? spark.read().parquet(rejectedFolder.toString()) : null;
      return new ScoreFolder(path, summary, scored, rejected);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot report on " + path + ": " + e.getMessage(), e);
    }
  }

  String path() {
    return path;
  }

  /** {@code _summary.json}: every run with its counts, provenance, settings and attempts. */
  JsonNode summary() {
    return summary;
  }

  Dataset<Row> scored() {
    return scored;
  }

  /** The rejected rows, or null when the folder has none. */
  Dataset<Row> rejected() {
    return rejected;
  }

  /** A setting of the folder's last run, or null when unset. */
  String setting(String key) {
    JsonNode runs = summary.path("runs");
    JsonNode value = runs.path(runs.size() - 1).path("config").path(key);
    return value.isMissingNode() || value.isNull() || value.asText().isEmpty() ? null : value.asText();
  }

  boolean hasColumn(String column) {
    return Arrays.asList(scored.columns()).contains(column);
  }
}

package dev.endoreward.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import dev.endoreward.spark.config.OutputMode;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * Writes a run's outputs under one folder: {@code scored/} and {@code rejected/} as zstd Parquet, and
 * {@code _summary.json}. Works on any Hadoop file system (local, {@code hdfs://}, {@code s3a://}).
 *
 * <p>Provenance (model, tokenizer and template sha256, reward options, project version) travels as
 * column metadata of {@code reward} (see {@link EndogenousRewardScorer#scoredRows}); Spark stores the
 * schema with that metadata in every Parquet file's key/value footer under
 * {@code org.apache.spark.sql.parquet.row.metadata}, where any Parquet reader finds it.
 */
final class OutputWriter {
  static final String SCORED = "scored";
  static final String REJECTED = "rejected";
  static final String SUMMARY = "_summary.json";

  private final SparkSession spark;
  private final String outputDir;
  private final OutputMode mode;

  OutputWriter(SparkSession spark, String outputDir, OutputMode mode) {
    this.spark = spark;
    this.outputDir = outputDir;
    this.mode = mode;
  }

  /** Fails, on the driver, if the output folder exists and the mode forbids that. */
  void checkPolicy() {
    Path dir = new Path(outputDir);
    try {
      FileSystem fs = fileSystem(dir);
      if (mode == OutputMode.ERROR_IF_EXISTS && fs.exists(dir)) {
        throw new IllegalArgumentException("Cannot write to " + outputDir
            + ": it already exists; set output.mode=overwrite or output.mode=append, or choose another folder");
      }
      if (fs.exists(dir) && !fs.getFileStatus(dir).isDirectory()) {
        throw new IllegalArgumentException("Cannot write to " + outputDir + ": it is a file, not a folder");
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("Cannot check the output folder " + outputDir + ": " + e.getMessage(), e);
    }
  }

  /** Writes one output, {@code scored} or {@code rejected}, as zstd Parquet under the folder. */
  void write(Dataset<Row> rows, String child) {
    rows.write()
        .mode(mode == OutputMode.APPEND ? SaveMode.Append : SaveMode.Overwrite)
        .option("compression", "zstd")
        .parquet(path(child));
  }

  /** Writes {@code _summary.json}, replacing any earlier one. */
  void writeSummary(String json) {
    Path file = new Path(outputDir, SUMMARY);
    try (FSDataOutputStream out = fileSystem(file).create(file, true)) {
      out.write(json.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the run summary " + file + ": " + e.getMessage(), e);
    }
  }

  String path(String child) {
    return new Path(outputDir, child).toString();
  }

  private FileSystem fileSystem(Path path) throws IOException {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    URI uri = path.toUri();
    return FileSystem.get(uri, conf);
  }
}

package dev.endoreward.curate;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.endoreward.spark.config.OutputMode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * The output folder of a curation command, on any Hadoop file system:
 *
 * <pre>
 * parquet/       the rows, zstd Parquet
 * jsonl/         the same rows as JSON Lines, for trainers (best-of-n, pairs)
 * report.json    what the command did: settings, counts
 * _SUCCESS       written last: the folder is complete
 * </pre>
 */
final class CurationOutput {
  static final String PARQUET = "parquet";
  static final String JSONL = "jsonl";
  static final String REPORT = "report.json";
  static final String SUCCESS = "_SUCCESS";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final FileSystem fs;
  private final Path root;

  private CurationOutput(FileSystem fs, Path root) {
    this.fs = fs;
    this.root = root;
  }

  /**
   * Checks the folder on the driver and, for {@link OutputMode#OVERWRITE}, deletes what an earlier run of a
   * curation command wrote there ({@code _SUCCESS} first); other files stay.
   *
   * @throws IllegalArgumentException "Cannot write to ..." when the folder exists and the mode forbids it, or
   *     overlaps the input
   */
  static CurationOutput prepare(SparkSession spark, CurateIo io) {
    Path root = new Path(io.output());
    try {
      FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
      Path output = fs.makeQualified(root);
      Path input = fs.makeQualified(new Path(io.input()));
      if (within(output, input) || within(input, output)) {
        throw new IllegalArgumentException("Cannot write to " + io.output() + ": it overlaps the input "
            + io.input() + "; choose another folder");
      }
      boolean exists = fs.exists(root);
      if (exists && !fs.getFileStatus(root).isDirectory()) {
        throw new IllegalArgumentException("Cannot write to " + io.output() + ": it is a file");
      }
      if (exists && fs.listStatus(root).length > 0) {
        if (io.mode() != OutputMode.OVERWRITE) {
          throw new IllegalArgumentException("Cannot write to " + io.output() + ": it exists; choose another folder"
              + " or set output.mode=overwrite");
        }
        for (String child : List.of(SUCCESS, REPORT, PARQUET, JSONL)) {
          fs.delete(new Path(root, child), true);
        }
      }
      return new CurationOutput(fs, root);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot check the output folder " + io.output() + ": " + e.getMessage(), e);
    }
  }

  private static boolean within(Path inner, Path outer) {
    String a = inner.toString();
    String b = outer.toString();
    return a.equals(b) || a.startsWith(b.endsWith("/") ? b : b + "/");
  }

  void writeParquet(Dataset<Row> rows) {
    rows.write().mode(SaveMode.ErrorIfExists).option("compression", "zstd").parquet(child(PARQUET));
  }

  void writeJsonLines(Dataset<Row> rows) {
    rows.write().mode(SaveMode.ErrorIfExists).json(child(JSONL));
  }

  /** Writes the report, then {@code _SUCCESS}, last. */
  void finish(Map<String, Object> report) {
    try {
      write(REPORT, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report) + "\n");
      write(SUCCESS, "");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot finish the output folder " + root + ": " + e.getMessage(), e);
    }
  }

  private String child(String name) {
    return new Path(root, name).toString();
  }

  private void write(String name, String text) throws IOException {
    try (FSDataOutputStream out = fs.create(new Path(root, name), true)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }
}

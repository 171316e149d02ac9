package dev.endoreward.eval;

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
 * The output folder of {@code eval}, on any Hadoop file system:
 *
 * <pre>
 * pairs/           every response of the data, one row each, the input of score (Parquet)
 * scored-pairs/    score's output folder for them (scored/, rejected/, _summary.json, _SUCCESS)
 * accuracy.json    the accuracy per file, subset and overall, with counts and intervals
 * accuracy.md      the same as Markdown tables
 * _SUCCESS         written last: the folder is complete
 * </pre>
 */
final class EvalOutput {
  static final String PAIRS = "pairs";
  static final String SCORED = "scored-pairs";
  static final String ACCURACY_JSON = "accuracy.json";
  static final String ACCURACY_MD = "accuracy.md";
  static final String SUCCESS = "_SUCCESS";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final FileSystem fs;
  private final Path root;

  private EvalOutput(FileSystem fs, Path root) {
    this.fs = fs;
    this.root = root;
  }

  /** The path of {@code name} in the output folder {@code output}. */
  static String child(String output, String name) {
    return new Path(new Path(output), name).toString();
  }

  /**
   * Checks the folder on the driver and, for {@link OutputMode#OVERWRITE}, deletes what an earlier
   * {@code eval} wrote there ({@code _SUCCESS} first); other files stay.
   *
   * @throws IllegalArgumentException "Cannot write to ..." when the folder exists and the mode forbids it, is a
   *     file, or overlaps the input
   */
  static EvalOutput prepare(SparkSession spark, EvalConfig config) {
    Path root = new Path(config.output());
    try {
      FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
      String output = fs.makeQualified(root).toString();
      String input = fs.makeQualified(new Path(config.input())).toString();
      if (within(output, input) || within(input, output)) {
        throw new IllegalArgumentException("Cannot write to " + config.output() + ": it overlaps the input "
            + config.input() + "; choose another folder");
      }
      boolean exists = fs.exists(root);
      if (exists && !fs.getFileStatus(root).isDirectory()) {
        throw new IllegalArgumentException("Cannot write to " + config.output() + ": it is a file");
      }
      if (exists && fs.listStatus(root).length > 0) {
        if (config.mode() != OutputMode.OVERWRITE) {
          throw new IllegalArgumentException("Cannot write to " + config.output() + ": it exists; choose another"
              + " folder or set output.mode=overwrite");
        }
        for (String child : List.of(SUCCESS, ACCURACY_JSON, ACCURACY_MD, SCORED, PAIRS)) {
          fs.delete(new Path(root, child), true);
        }
      }
      return new EvalOutput(fs, root);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot check the output folder " + config.output() + ": " + e.getMessage(), e);
    }
  }

  private static boolean within(String inner, String outer) {
    return inner.equals(outer) || inner.startsWith(outer.endsWith("/") ? outer : outer + "/");
  }

  void writePairs(Dataset<Row> rows) {
    rows.write().mode(SaveMode.ErrorIfExists).option("compression", "zstd").parquet(new Path(root, PAIRS).toString());
  }

  /** Writes {@code accuracy.json} and {@code accuracy.md}, then {@code _SUCCESS}, last. */
  void finish(Map<String, Object> accuracy) {
    try {
      write(ACCURACY_JSON, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(accuracy) + "\n");
      write(ACCURACY_MD, AccuracyReport.toMarkdown(accuracy));
      write(SUCCESS, "");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot finish the output folder " + root + ": " + e.getMessage(), e);
    }
  }

  private void write(String name, String text) throws IOException {
    try (FSDataOutputStream out = fs.create(new Path(root, name), true)) {
      out.write(text.getBytes(StandardCharsets.UTF_8));
    }
  }
}

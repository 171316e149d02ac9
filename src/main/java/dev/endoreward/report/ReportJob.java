package dev.endoreward.report;

import dev.endoreward.spark.config.OutputMode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * {@code report}: one self-contained HTML page on a complete {@code score} output, and optionally an {@code eval}
 * output: the distributions of the rewards, reward against response length, per-prompt spreads, the top and
 * bottom examples with their token rewards, the eval accuracy and the run summary. Spark reads and aggregates;
 * only bounded data reaches the driver, and the page's size is bounded by {@link ReportLimits#maxBytes()}.
 */
public final class ReportJob {
  private ReportJob() {}

  /**
   * Writes the page; returns what it wrote: the path, its size and bound, the rows scored and plotted.
   *
   * @throws IllegalArgumentException "Cannot ..." for an input that is not a complete output, or an output
   *     refused by its mode
   */
  public static Map<String, Object> run(SparkSession spark, ReportConfig config) {
    Path output = new Path(config.output());
    FileSystem fs = checkOutput(spark, config, output);
    ScoreFolder folder = ScoreFolder.open(spark, config.input());
    EvalFigures eval = config.eval() == null ? null : EvalFigures.of(spark, config.eval());
    spark.sparkContext().setJobDescription("report: " + config.input());
    ScoredFigures figures;
    boolean decoded;
    try (TokenTexts texts = TokenTexts.open(folder.setting("model.path"))) {
      decoded = texts != null;
      figures = ScoredFigures.of(folder, config.limits(), texts);
    } finally {
      spark.sparkContext().setJobDescription(null);
    }
    byte[] page = ReportPage.render(folder, figures, eval, config.limits(), decoded).getBytes(StandardCharsets.UTF_8);
    long bound = config.limits().maxBytes();
    if (page.length > bound) {
      throw new IllegalStateException("The report is " + page.length + " bytes, over its bound of " + bound);
    }
    try (OutputStream out = fs.create(output, true)) {
      out.write(page);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write to " + config.output() + ": " + e.getMessage(), e);
    }
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("output", config.output());
    report.put("bytes", page.length);
    report.put("max_bytes", bound);
    report.put("rows_scored", figures.rowsScored());
    report.put("rows_plotted", figures.scatter().size());
    report.put("token_texts", decoded);
    return report;
  }

  private static FileSystem checkOutput(SparkSession spark, ReportConfig config, Path output) {
    try {
      FileSystem fs = output.getFileSystem(spark.sparkContext().hadoopConfiguration());
      // A local file system would otherwise write a .crc file beside the page.
      fs.setWriteChecksum(false);
      if (fs.exists(output)) {
        if (fs.getFileStatus(output).isDirectory()) {
          throw new IllegalArgumentException("Cannot write to " + config.output() + ": it is a folder; name the"
              + " HTML file to write, e.g. " + new Path(output, "report.html"));
        }
        if (config.mode() != OutputMode.OVERWRITE) {
          throw new IllegalArgumentException("Cannot write to " + config.output() + ": it exists; choose another"
              + " file or set output.mode=overwrite");
        }
      }
      return fs;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write to " + config.output() + ": " + e.getMessage(), e);
    }
  }
}

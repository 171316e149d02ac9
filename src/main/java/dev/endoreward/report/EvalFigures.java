package dev.endoreward.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * What the page shows of an {@code eval} output: its {@code accuracy.json} as written, and for RM-Bench the 3 × 3
 * matrix per domain, "chosen response i beats rejected response j", counted by Spark over its
 * {@code scored-pairs/} output (only the 9 cells per domain reach the driver).
 *
 * @param path the eval output folder
 * @param accuracy {@code accuracy.json}
 * @param matrices RM-Bench's matrices by domain, and {@code all} pooled over domains; empty for other formats
 */
record EvalFigures(String path, JsonNode accuracy, Map<String, Matrix> matrices) {
  static final String POOLED = "all";
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One 3 × 3 matrix; index 0, 1, 2 is concise, detailed, detailed with markdown.
   *
   * @param wins {@code wins[i][j]}: comparisons of chosen i and rejected j that chosen won (strictly)
   * @param comparisons {@code comparisons[i][j]}: those compared, both responses scored
   */
  record Matrix(long[][] wins, long[][] comparisons) {
    static Matrix empty() {
      return new Matrix(new long[3][3], new long[3][3]);
    }
  }

  /** @throws IllegalArgumentException "Cannot report on ...: ..." when {@code path} is not a complete eval output */
  static EvalFigures of(SparkSession spark, String path) {
    Path root = new Path(path);
    JsonNode accuracy;
    try {
      FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(new Path(root, "_SUCCESS")) || !fs.exists(new Path(root, "accuracy.json"))) {
        throw new IllegalArgumentException("Cannot report on eval output " + path + ": it is not a complete eval"
            + " output (no _SUCCESS or accuracy.json); give the folder that jobs/eval.sh wrote");
      }
      try (InputStream in = fs.open(new Path(root, "accuracy.json"))) {
        accuracy = JSON.readTree(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot report on eval output " + path + ": " + e.getMessage(), e);
    }
    Map<String, Matrix> matrices = new TreeMap<>();
    if ("rm-bench".equals(accuracy.path("format").asText())) {
      String score = accuracy.path("score").asText();
      Dataset<Row> scored = spark.read().parquet(new Path(root, "scored-pairs/scored").toString())
          .select(col("record_id"), col("subset"), col("side"), col("response_index"), col(score).as("score"));
      Dataset<Row> chosen = scored.where(col("side").equalTo(lit("chosen"))).as("c");
      Dataset<Row> rejected = scored.where(col("side").equalTo(lit("rejected"))).as("r");
      Dataset<Row> cells = chosen.join(rejected, col("c.record_id").equalTo(col("r.record_id")))
          .groupBy(col("c.subset"), col("c.response_index"), col("r.response_index"))
          .agg(count("*"), sum(col("c.score").gt(col("r.score")).cast("long")));
      for (Row row : cells.collectAsList()) {
        int i = row.getInt(1);
        int j = row.getInt(2);
        for (String domain : new String[] {row.getString(0), POOLED}) {
          Matrix matrix = matrices.computeIfAbsent(domain, d -> Matrix.empty());
          matrix.comparisons()[i][j] += row.getLong(3);
          matrix.wins()[i][j] += row.getLong(4);
        }
      }
    }
    return new EvalFigures(path, accuracy, matrices);
  }
}

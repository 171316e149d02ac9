package dev.endoreward.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.endoreward.spark.config.ScoreConfig;
import dev.endoreward.testing.DuckDb;
import dev.endoreward.testing.JobRecorder;
import dev.endoreward.testing.SparkTestBase;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The input's row count, which a run's units and its final check rest on, is the number of rows the job reads,
 * and is taken without parsing a line (JSON Lines: one Spark job) or reading a row (Parquet: no Spark job).
 */
class TestInputRowCount extends SparkTestBase {
  @TempDir Path temp;

  private static String pair(String id) {
    return "{\"id\":\"" + id + "\",\"prompt\":\"Why?\",\"response\":\"Because " + id + "\"}";
  }

  private ScoreConfig config(Path input) {
    return CodePointScorer.config(input, temp.resolve("out"));
  }

  private RunSummary score(ScoreConfig config) {
    return ScoreJob.run(spark, config,
        new EndogenousRewardScorer(config, Map.of("model_path", "none"), CodePointScorer.factory()));
  }

  @Test
  void jsonLinesCountEveryLineThatIsNotBlankInOneJobThatParsesNone() throws Exception {
    Path folder = Files.createDirectories(temp.resolve("in"));
    ByteArrayOutputStream plain = new ByteArrayOutputStream();
    List<byte[]> lines = List.of(
        bytes(pair("a")),
        bytes(""), // blank: no row
        bytes(" \t\u000B\f"), // blank
        bytes("\u3000\u2003 "), // blank: Unicode whitespace
        bytes("\u00A0"), // no-break space is not whitespace: a malformed row
        bytes("{\"id\":\"broken\","), // malformed row
        new byte[] {' ', ' ', (byte) 0xFF}, // not UTF-8: an INVALID_TEXT row, though the rest is blank
        bytes(pair("b") + "\r"), // CRLF line end
        bytes("\r"), // blank
        bytes(pair("c")));
    for (byte[] line : lines) {
      plain.write(line);
      plain.write('\n');
    }
    Files.write(folder.resolve("a.jsonl"), plain.toByteArray());
    try (OutputStream gz = new GZIPOutputStream(Files.newOutputStream(folder.resolve("b.jsonl.gz")))) {
      gz.write(bytes(pair("d") + "\n\n  \n" + pair("e"))); // no newline at the end
    }
    Files.write(folder.resolve("c.jsonl"), new byte[0]);
    long expected = 6 + 2; // a.jsonl: a, no-break space, broken, not UTF-8, b, c; b.jsonl.gz: d, e

    OpenInput input = InputReader.open(spark, config(folder).input());
    try (JobRecorder jobs = JobRecorder.start(spark)) {
      assertThat(input.rowCount().getAsLong()).isEqualTo(expected);
      assertThat(jobs.descriptions()).hasSize(1);
    }
    assertThat(input.rows().count()).isEqualTo(expected);

    RunSummary summary = score(config(folder));
    assertThat(summary.rowsIn()).isEqualTo(expected);
    assertThat(summary.rowsScored()).isEqualTo(5);
    assertThat(summary.rejectedByReason()).containsEntry("MALFORMED_INPUT", 2L).containsEntry("INVALID_TEXT", 1L);
  }

  @Test
  void parquetRowsAreTheSumOfTheFootersReadWithNoSparkJob() throws Exception {
    StructType schema = new StructType().add("id", DataTypes.LongType).add("prompt", DataTypes.StringType)
        .add("response", DataTypes.StringType);
    List<Row> rows = new ArrayList<>();
    for (long i = 0; i < 2_500; i++) {
      rows.add(RowFactory.create(i, "Why " + i + "?", "Because of " + "x".repeat((int) (i % 300))));
    }
    Path folder = temp.resolve("in");
    spark.createDataFrame(rows, schema).repartition(3).write().mode(SaveMode.ErrorIfExists)
        .option("parquet.block.size", 16_384) // several row groups a file
        .parquet(folder.toString());
    Files.write(folder.resolve("empty.parquet"), new byte[0]); // holds no rows; Spark is not given it
    assertThat(DuckDb.query("SELECT DISTINCT file_name, row_group_id FROM parquet_metadata('" + folder
        + "/part-*.parquet')")).hasSizeGreaterThan(3);

    OpenInput input = InputReader.open(spark, config(folder).input());
    try (JobRecorder jobs = JobRecorder.start(spark)) {
      assertThat(input.rowCount().getAsLong()).isEqualTo(2_500);
      assertThat(jobs.descriptions()).isEmpty();
    }
    assertThat(input.rows().count()).isEqualTo(2_500);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}

package dev.endoreward.spark;

import dev.endoreward.bench.BenchArgs;
import dev.endoreward.spark.config.ScoreConfig;
import dev.endoreward.testing.PairRows;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * What the run protocol costs beside one plain write, without a model, so that nothing but the plumbing is
 * timed: the same input scored by {@link CodePointScorer} and written (a) once, as the library API writes
 * it (score, persist, one write each of the scored and the rejected rows), and (b) by the score job in
 * units (the shuffle by unit, two committed writes and a marker per unit, the counts read back), at the
 * same parallelism and with more units.
 *
 * <pre>
 *   CommitProtocolBenchmark [--rows 200000] [--units 2,20,200] [--repeats 3] [--output target/bench/commit]
 * </pre>
 */
public final class CommitProtocolBenchmark {
  private CommitProtocolBenchmark() {}

  public static void main(String[] argv) throws IOException {
    BenchArgs args = new BenchArgs(argv, Set.of("rows", "units", "repeats", "output"));
    int rows = args.integer("rows", 200_000);
    int repeats = args.integer("repeats", 3);
    Path dir = Files.createDirectories(Path.of(args.text("output", "target/bench/commit")));
    Path input = input(rows).writeJsonLines(dir.resolve("pairs.jsonl"));
    try (SparkSession spark = SparkSession.builder().master("local[2]").appName("endoreward commit benchmark")
        .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false").getOrCreate()) {
      System.out.printf("%,d rows, local[2], best of %d runs each%n", rows, repeats);
      System.out.printf("| write | seconds |%n|---|---|%n");
      report("one plain write, 2 partitions", repeats, () -> plainWrite(spark, input, dir.resolve("plain"), 2));
      for (String units : args.text("units", "2,20,200").split(",")) {
        report("score job, " + units + " units", repeats, () -> units(spark, input, dir.resolve("units-" + units),
            units));
      }
    }
  }

  private static PairRows input(int rows) {
    PairRows pairs = new PairRows();
    for (int i = 0; i < rows; i++) {
      pairs.add("r" + i, "Question " + (i % 977) + "?", i % 50 == 0 ? "" : "Answer " + "x".repeat(i % 40));
    }
    return pairs;
  }

  private static ScoreConfig config(Path input, Path output, String units) {
    return CodePointScorer.config(input, output, "job.partitions", units, "output.mode", "overwrite");
  }

  private static EndogenousRewardScorer scorer(ScoreConfig config) {
    return new EndogenousRewardScorer(config, Map.of("model_sha256", "none"), CodePointScorer.factory());
  }

  private static void plainWrite(SparkSession spark, Path input, Path output, int partitions) {
    ScoreConfig config = config(input, output, String.valueOf(partitions));
    EndogenousRewardScorer scorer = scorer(config);
    Dataset<Row> combined = scorer.score(InputReader.open(spark, config.input()).rows().repartition(partitions))
        .persist(StorageLevel.MEMORY_AND_DISK());
    for (String child : List.of(OutputFolder.SCORED, OutputFolder.REJECTED)) {
      Dataset<Row> rows = child.equals(OutputFolder.SCORED) ? scorer.scoredRows(combined) : scorer.rejectedRows(combined);
      rows.write().mode(SaveMode.Overwrite).option("compression", "zstd").parquet(output.resolve(child).toString());
    }
    combined.groupBy(OutputColumns.REJECT_REASON).count().collectAsList();
    combined.unpersist();
  }

  private static void units(SparkSession spark, Path input, Path output, String units) {
    ScoreConfig config = config(input, output, units);
    ScoreJob.run(spark, config, scorer(config));
  }

  private static void report(String name, int repeats, Runnable write) {
    double best = Double.MAX_VALUE;
    for (int i = 0; i < repeats; i++) {
      long start = System.nanoTime();
      write.run();
      best = Math.min(best, (System.nanoTime() - start) / 1e9);
    }
    System.out.printf("| %s | %.2f |%n", name, best);
  }
}

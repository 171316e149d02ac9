package dev.endoreward.spark;

import dev.endoreward.reward.RejectReason;
import dev.endoreward.spark.config.ScoreConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;

/**
 * The {@code score} job: checks everything it can on the driver, then scores the input across the
 * executors and writes scored rows, rejected rows and a run summary.
 *
 * <p>Each partition streams through {@link PartitionScorer} on the executor's shared engine. The
 * combined result is persisted once and projected onto the two outputs, so every row is scored once
 * and lands in exactly one of them.
 */
public final class ScoreJob {
  private ScoreJob() {}

  /**
   * Runs the job on {@code spark}.
   *
   * @throws IllegalArgumentException "Cannot ..." for a problem found on the driver before any executor
   *     work: the model artefact, tokenizer or template, the input schema, or the output policy
   */
  public static RunSummary run(SparkSession spark, ScoreConfig config) {
    return run(spark, config, EndogenousRewardScorer.fromConfig(config));
  }

  /** Runs the job with {@code scorer}, whose checks on the driver are done. */
  static RunSummary run(SparkSession spark, ScoreConfig config, EndogenousRewardScorer scorer) {
    long start = System.nanoTime();
    SparkContext context = spark.sparkContext();

    OutputWriter writer = new OutputWriter(spark, config.output().path(), config.output().mode());
    writer.checkPolicy();
    Dataset<Row> read = InputReader.open(spark, config.input());
    Dataset<Row> input = config.job().partitions() > 0 ? read.repartition(config.job().partitions()) : read;
    ScoreMetrics metrics = new ScoreMetrics(context);
    Dataset<Row> combined = scorer.score(input, metrics).persist(StorageLevel.MEMORY_AND_DISK());

    String what = "endoreward score " + config.input().path() + " with " + config.engine().artefactDir();
    ProgressReporter progress = null;
    try {
      context.setJobDescription(what + ": counting input rows");
      long rowsIn = read.count(); // before any repartitioning, which a count need not shuffle for
      if (config.job().progress() && context.isLocal()) {
        progress = new ProgressReporter(metrics, rowsIn, System.err);
        progress.start();
      }
      context.setJobDescription(what + ": scoring and writing " + writer.path(OutputWriter.SCORED));
      writer.write(scorer.scoredRows(combined), OutputWriter.SCORED);
      context.setJobDescription(what + ": writing " + writer.path(OutputWriter.REJECTED));
      writer.write(scorer.rejectedRows(combined), OutputWriter.REJECTED);
      context.setJobDescription(what + ": counting outcomes");
      Map<String, Long> outcomes = countOutcomes(combined);
      RunSummary summary = summarise(config, metrics, rowsIn, outcomes, scorer.provenance(),
          (System.nanoTime() - start) / 1e9);
      writer.writeSummary(summary.toJson());
      return summary;
    } finally {
      if (progress != null) {
        progress.close();
      }
      context.setJobDescription(null);
      combined.unpersist();
    }
  }

  /** Rows of this run by outcome: "SCORED" or a reject reason. Exact, from the persisted result. */
  private static Map<String, Long> countOutcomes(Dataset<Row> combined) {
    Map<String, Long> counts = new TreeMap<>();
    for (Row row : combined.groupBy(functions.coalesce(functions.col(OutputColumns.REJECT_REASON),
        functions.lit("SCORED"))).count().collectAsList()) {
      counts.put(row.getString(0), row.getLong(1));
    }
    return counts;
  }

  private static RunSummary summarise(ScoreConfig config, ScoreMetrics metrics, long rowsIn,
      Map<String, Long> outcomes, Map<String, String> provenance, double wallSeconds) {
    Map<String, Long> rejected = new LinkedHashMap<>();
    for (RejectReason reason : RejectReason.values()) {
      rejected.put(reason.name(), outcomes.getOrDefault(reason.name(), 0L));
    }
    long scored = outcomes.getOrDefault("SCORED", 0L);
    long rejectedTotal = rejected.values().stream().mapToLong(Long::longValue).sum();
    long prompt = metrics.promptTokens.value();
    long response = metrics.responseTokens.value();
    long padded = metrics.paddedTokens.value();
    long computed = prompt + response + padded;
    return new RunSummary(config.output().path(), rowsIn, scored, rejectedTotal, rejected, prompt,
        response, padded, computed == 0 ? 0 : (double) padded / computed, wallSeconds,
        (prompt + response) / Math.max(wallSeconds, 1e-9), metrics.modelLoads.value(), provenance, config.asMap());
  }
}

package dev.endoreward.eval;

import dev.endoreward.spark.InputException;
import dev.endoreward.spark.RunSummary;
import dev.endoreward.spark.ScoreJob;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The {@code eval} job: reads preference data on the driver, writes each of its responses as a row for
 * {@code score}, scores them with {@link ScoreJob} (the same model, settings and engine as {@code score}),
 * then compares each record's chosen responses with its rejected ones by the configured score and writes
 * the accuracy ({@link AccuracyReport}). Responses that {@code score} rejected are counted, by reason,
 * and their comparisons excluded.
 */
public final class EvalJob {
  private EvalJob() {}

  /**
   * Runs the job on {@code spark}; returns a summary: the output, the counts and the overall figures.
   *
   * @throws IllegalArgumentException "Cannot ..." for a problem found on the driver before any scoring: the
   *     input ({@link InputException}), the output folder, the model
   */
  public static Map<String, Object> run(SparkSession spark, EvalConfig config) {
    PreferenceData data = PreferenceData.read(spark, config.input(), config.format(), config.limit());
    if (data.records().isEmpty()) {
      throw new InputException("Cannot read input " + config.input() + ": it holds no records");
    }
    EvalOutput output = EvalOutput.prepare(spark, config);
    SparkContext context = spark.sparkContext();
    String what = "endoreward eval " + config.input();
    context.setJobDescription(what + ": writing the responses to score");
    try {
      output.writePairs(PairRows.of(spark, data.records()));
    } finally {
      context.setJobDescription(null);
    }
    RunSummary scoring = ScoreJob.run(spark, config.scoreConfig());

    String scored = EvalOutput.child(config.output(), EvalOutput.SCORED);
    context.setJobDescription(what + ": reading the scores");
    Map<String, Double> scores = new HashMap<>();
    Map<String, String> rejections = new HashMap<>();
    try {
      for (Row row : spark.read().parquet(scored + "/scored").select(PairRows.ID, config.score().column())
          .collectAsList()) {
        scores.put(row.getString(0), ((Number) row.get(1)).doubleValue());
      }
      if (exists(spark, scored + "/rejected")) {
        for (Row row : spark.read().parquet(scored + "/rejected").select(PairRows.ID, "reject_reason")
            .collectAsList()) {
          rejections.put(row.getString(0), row.getString(1));
        }
      }
    } finally {
      context.setJobDescription(null);
    }
    AccuracyReport report = AccuracyReport.of(config.format(), data.records(), scores, rejections);
    Map<String, Object> accuracy = report.toJson(config.input(), config.score(), data.ignored());
    output.finish(accuracy);

    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("output", config.output());
    summary.put("records", data.records().size());
    summary.put("responses_scored", scores.size());
    summary.put("responses_rejected", rejections.size());
    summary.put("score_run_id", scoring.runId());
    summary.put("overall", accuracy.get("overall"));
    return summary;
  }

  private static boolean exists(SparkSession spark, String path) {
    Path folder = new Path(path);
    try {
      FileSystem fs = folder.getFileSystem(spark.sparkContext().hadoopConfiguration());
      return fs.exists(folder);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot check " + path + ": " + e.getMessage(), e);
    }
  }
}

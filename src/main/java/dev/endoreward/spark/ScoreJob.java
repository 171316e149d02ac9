package dev.endoreward.spark;

import dev.endoreward.spark.config.OutputMode;
import dev.endoreward.spark.config.ScoreConfig;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * The {@code score} job: checks everything it can on the driver, then scores the input unit by unit and
 * commits each unit's scored and rejected rows, and marks the output folder complete once every unit is.
 *
 * <p>A run is the unit of truth. It has an id and a record in the folder, and splits its input into units
 * by id ({@link UnitPlan}); each unit is scored by {@link PartitionScorer} on the executor's shared engine
 * and written through Spark's output commit protocol ({@link UnitRunner}). A killed run is continued with
 * {@code output.resume} ({@code --resume}), which re-scores only the units that had not committed. The
 * summary counts the committed rows ({@link RunTally}); {@code _SUCCESS} is written last
 * ({@link OutputFolder}).
 */
public final class ScoreJob {
  private ScoreJob() {}

  /**
   * Runs the job on {@code spark}.
   *
   * @throws IllegalArgumentException "Cannot ..." for a problem found on the driver before any executor
   *     work: the model artefact, tokenizer or template, the input schema, or the output folder
   */
  public static RunSummary run(SparkSession spark, ScoreConfig config) {
    return run(spark, config, EndogenousRewardScorer.fromConfig(config));
  }

  /** Runs the job with {@code scorer}, whose checks on the driver are done. */
  static RunSummary run(SparkSession spark, ScoreConfig config, EndogenousRewardScorer scorer) {
    long start = System.nanoTime();
    SparkContext context = spark.sparkContext();
    Configuration hadoop = context.hadoopConfiguration();
    StorageCheck.reach(hadoop, List.of(config.input().path(), config.output().path()));
    OutputFolder folder = OutputFolder.open(hadoop, config.output().path());
    RunChecks.checkWritable(folder, config.output().mode() == OutputMode.ERROR_IF_EXISTS && !config.output().resume());

    OpenInput input = InputReader.open(spark, config.input());
    ScoreMetrics metrics = new ScoreMetrics(context);
    Dataset<Row> combined = scorer.score(input.rows(), metrics); // lazy: checks the schema and gives the output columns
    StructType scoredSchema = scorer.scoredRows(combined).schema();
    StructType rejectedSchema = scorer.rejectedRows(combined).schema();
    RunIdentity identity = new RunIdentity(input.files(), scorer.provenance(), config.asMap(),
        RunRecord.columns(scoredSchema), RunRecord.columns(rejectedSchema));

    String what = "endoreward score " + config.input().path() + " with " + config.engine().artefactDir();
    context.setJobDescription(what + ": counting input rows");
    RunRecord run;
    try {
      run = RunStart.start(folder, config.output(), config.job(), identity, input.rowCount(),
          context.defaultParallelism(), Instant.now());
    } finally {
      context.setJobDescription(null);
    }
    int attemptNumber = folder.attempts(run.runId()).size() + 1;
    Attempt attempt = Attempt.started(attemptNumber, Instant.now().toString());
    folder.writeAttempt(run.runId(), attempt);

    Map<Integer, Integer> committed = folder.committedUnits(run.runId());
    folder.deleteUncommittedUnits(run.runId(), committed);
    List<Integer> pending = IntStream.range(0, run.unitCount()).filter(u -> !committed.containsKey(u)).boxed().toList();
    ProgressReporter progress = null;
    if (config.job().progress()) {
      // Units are about equal in size, so the pending units hold about this share of the input.
      progress = ProgressReporter.start(context, metrics,
          Math.round((double) run.rowsIn() * pending.size() / run.unitCount()), config.job().progressIntervalSeconds());
    }
    try {
      UnitSplit split = new UnitSplit(input, config.input().columns().id(), config.input().duplicateIds(), run.plan(),
          Set.copyOf(pending));
      new UnitRunner(context, scorer, metrics, folder, run, attemptNumber, split, what + " into run " + run.runId())
          .run(pending, 2 * Math.max(1, context.defaultParallelism()));
    } finally {
      if (progress != null) {
        progress.close();
      }
    }

    folder.writeAttempt(run.runId(), attempt.finished(metrics, (System.nanoTime() - start) / 1e9));
    context.setJobDescription(what + ": counting the committed rows of run " + run.runId());
    try {
      RunSummary summary = RunTally.summarise(spark, folder, run, scoredSchema, rejectedSchema);
      folder.writeRunSummary(summary);
      folder.finish(new FolderSummary(folder.path(), true, null, RunStart.finishedRuns(folder, null)));
      return summary;
    } finally {
      context.setJobDescription(null);
    }
  }
}

package dev.endoreward.spark;

import dev.endoreward.ProjectVersion;
import dev.endoreward.engine.EngineOptions;
import dev.endoreward.engine.RewardEngine;
import dev.endoreward.model.DeviceSpec;
import dev.endoreward.model.ModelArtefact;
import dev.endoreward.reward.RejectReason;
import dev.endoreward.spark.config.ScoreConfig;
import dev.endoreward.text.PairEncoder;
import dev.endoreward.text.TemplateMode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;
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
    long start = System.nanoTime();
    SparkContext context = spark.sparkContext();

    Map<String, String> provenance = checkModel(config);
    OutputWriter writer = new OutputWriter(spark, config.output().path(), config.output().mode());
    writer.checkPolicy();
    Dataset<Row> input = InputReader.open(spark, config.input());
    if (config.job().partitions() > 0) {
      input = input.repartition(config.job().partitions());
    }
    StructType inputSchema = input.schema();

    ScoreMetrics metrics = new ScoreMetrics(context);
    OutputColumns output = new OutputColumns(config.output().tokenLevel(), config.output().promptTokenIds());
    PartitionScorer scorer = new PartitionScorer(new PairReader(config.input().columns(), config.input().systemPrompt()),
        output, config.batch().chunkRows(), metrics);
    boolean gpusRequested = TaskEngines.gpusRequested(context.getConf());
    Dataset<Row> combined = input
        .mapPartitions((MapPartitionsFunction<Row, Row>) rows ->
            scorer.score(rows, () -> TaskEngines.acquire(config, gpusRequested)), Encoders.row(output.combinedSchema(inputSchema)))
        .persist(StorageLevel.MEMORY_AND_DISK());

    String what = "endoreward score " + config.input().path() + " with " + config.model().path();
    ProgressReporter progress = null;
    try {
      if (config.job().progress() && context.isLocal()) {
        context.setJobDescription(what + ": counting input rows");
        progress = new ProgressReporter(metrics, input.count(), System.err);
        progress.start();
      }
      context.setJobDescription(what + ": scoring and writing " + writer.path(OutputWriter.SCORED));
      writer.writeScored(combined, inputSchema, output, provenance);
      context.setJobDescription(what + ": writing " + writer.path(OutputWriter.REJECTED));
      writer.writeRejected(combined, inputSchema);
      context.setJobDescription(what + ": counting outcomes");
      Map<String, Long> outcomes = countOutcomes(combined);
      RunSummary summary = summarise(config, metrics, outcomes, provenance, (System.nanoTime() - start) / 1e9);
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

  /** Verifies the artefact, its tokenizer and template on the driver; returns the run's provenance. */
  private static Map<String, String> checkModel(ScoreConfig config) {
    ModelArtefact artefact = ModelArtefact.open(Path.of(config.model().path()));
    EngineOptions options = config.toEngineOptions(DeviceSpec.CPU);
    if (options.maxLength() > artefact.manifest().maxLength()) {
      throw new IllegalArgumentException("Cannot use length.max " + options.maxLength() + ": the model "
          + artefact.directory() + " accepts at most " + artefact.manifest().maxLength() + " tokens");
    }
    TemplateMode mode = RewardEngine.templateMode(options, artefact);
    Map<String, String> provenance = new LinkedHashMap<>();
    try (PairEncoder encoder = PairEncoder.open(artefact.directory(), mode)) {
      provenance.put("model_path", artefact.directory().toString());
      provenance.put("model_sha256", artefact.modelSha256());
      provenance.put("tokenizer_sha256", encoder.tokenizerSha256());
      provenance.put("template_mode", mode.name());
      provenance.put("template_sha256", encoder.templateSha256());
    }
    provenance.put("alpha", String.valueOf(options.reward().alpha()));
    provenance.put("gamma", String.valueOf(options.reward().gamma()));
    provenance.put("terminal", options.reward().terminal().name());
    provenance.put("config_sha256", config.fingerprint());
    provenance.put("project_version", ProjectVersion.get());
    return provenance;
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

  private static RunSummary summarise(ScoreConfig config, ScoreMetrics metrics, Map<String, Long> outcomes,
      Map<String, String> provenance, double wallSeconds) {
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
    return new RunSummary(config.output().path(), scored + rejectedTotal, scored, rejectedTotal, rejected, prompt,
        response, padded, computed == 0 ? 0 : (double) padded / computed, wallSeconds,
        (prompt + response) / Math.max(wallSeconds, 1e-9), metrics.modelLoads.value(), provenance, config.asMap());
  }
}

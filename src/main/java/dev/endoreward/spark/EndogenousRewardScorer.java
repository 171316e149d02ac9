package dev.endoreward.spark;

import dev.endoreward.ProjectVersion;
import dev.endoreward.engine.EngineOptions;
import dev.endoreward.engine.RewardEngine;
import dev.endoreward.model.DeviceSpec;
import dev.endoreward.model.ModelArtefact;
import dev.endoreward.spark.config.ScoreConfig;
import dev.endoreward.spark.config.ScoreKeys;
import dev.endoreward.text.PairEncoder;
import dev.endoreward.text.TemplateMode;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Scores a {@code Dataset<Row>} of prompt/response pairs: the library entry point for Spark users who
 * already hold their data in a Dataset.
 *
 * <pre>{@code
 * EndogenousRewardScorer scorer = EndogenousRewardScorer.create(Map.of(
 *     "model.path", "/models/my-export", "input.column.prompt", "question"));
 * Dataset<Row> result = scorer.score(pairs);          // lazy, like any transformation
 * Dataset<Row> scored = scorer.scoredRows(result);    // input + reward columns
 * Dataset<Row> rejected = scorer.rejectedRows(result); // input + reject_reason, reject_detail
 * }</pre>
 *
 * <p>The model, tokenizer, template and input schema are checked on the driver when {@link #score} is
 * called; scoring runs on the executors, one model per executor JVM. Settings use the keys of
 * {@code conf/score.properties}; {@code input.path} and {@code output.path} are not needed.
 */
public final class EndogenousRewardScorer implements Serializable {
  private static final String DATASET = "<dataset>";

  private final ScoreConfig config;
  private final OutputColumns output;
  private final Map<String, String> provenance;

  private EndogenousRewardScorer(ScoreConfig config) {
    this.config = config;
    this.output = new OutputColumns(config.output().tokenLevel(), config.output().promptTokenIds());
    this.provenance = Collections.unmodifiableMap(checkModel(config));
  }

  /**
   * A scorer from settings keyed as in {@code conf/score.properties}; {@code model.path} is required.
   *
   * @throws IllegalArgumentException "Cannot ..." for a bad setting or an unusable model
   */
  public static EndogenousRewardScorer create(Map<String, String> settings) {
    Map<String, String> values = new HashMap<>(settings);
    values.putIfAbsent(ScoreKeys.INPUT_PATH, DATASET);
    values.putIfAbsent(ScoreKeys.OUTPUT_PATH, DATASET);
    return new EndogenousRewardScorer(ScoreConfig.fromMap(values));
  }

  /** A scorer for a parsed job configuration. */
  public static EndogenousRewardScorer fromConfig(ScoreConfig config) {
    return new EndogenousRewardScorer(config);
  }

  /**
   * Scores {@code input} lazily. Every input row comes out once: with the score columns filled and
   * {@code reject_reason} null, or with the score columns null and a reason.
   *
   * @throws IllegalArgumentException "Cannot ..." when the configured columns are missing or mistyped
   */
  public Dataset<Row> score(Dataset<Row> input) {
    return score(input, new ScoreMetrics(input.sparkSession().sparkContext()));
  }

  Dataset<Row> score(Dataset<Row> input, ScoreMetrics metrics) {
    InputReader.checkSchema(config.input().path(), config.input().columns(), input.schema());
    PartitionScorer scorer = new PartitionScorer(new PairReader(config.input().columns(), config.input().systemPrompt()),
        output, config.batch().chunkRows(), metrics);
    ScoreConfig taskConfig = config;
    boolean gpusRequested = TaskEngines.gpusRequested(input.sparkSession().sparkContext().getConf());
    return input.mapPartitions(
        (MapPartitionsFunction<Row, Row>) rows -> scorer.score(rows, () -> TaskEngines.acquire(taskConfig, gpusRequested)),
        Encoders.row(output.combinedSchema(input.schema())));
  }

  /** The scored rows of a {@link #score} result: input columns, then score columns; provenance on {@code reward}. */
  public Dataset<Row> scoredRows(Dataset<Row> result) {
    List<Column> columns = inputColumns(result);
    for (StructField field : output.scoreFields()) {
      Column column = functions.col(field.name());
      columns.add(field.name().equals(OutputColumns.REWARD)
          ? column.as(field.name(), provenanceMetadata()) : column);
    }
    return result.filter(functions.col(OutputColumns.REJECT_REASON).isNull()).select(columns.toArray(Column[]::new));
  }

  /** The rejected rows of a {@link #score} result: input columns, {@code reject_reason}, {@code reject_detail}. */
  public Dataset<Row> rejectedRows(Dataset<Row> result) {
    List<Column> columns = inputColumns(result);
    columns.add(functions.col(OutputColumns.REJECT_REASON));
    columns.add(functions.col(OutputColumns.REJECT_DETAIL));
    return result.filter(functions.col(OutputColumns.REJECT_REASON).isNotNull()).select(columns.toArray(Column[]::new));
  }

  /** Model, tokenizer and template sha256, reward options, config fingerprint and project version. */
  public Map<String, String> provenance() {
    return provenance;
  }

  ScoreConfig config() {
    return config;
  }

  private List<Column> inputColumns(Dataset<Row> result) {
    StructType schema = result.schema();
    int inputCount = schema.size() - output.scoreFields().size() - OutputColumns.rejectFields().size();
    List<Column> columns = new ArrayList<>();
    for (int i = 0; i < inputCount; i++) {
      columns.add(functions.col(schema.fields()[i].name()));
    }
    return columns;
  }

  private Metadata provenanceMetadata() {
    MetadataBuilder builder = new MetadataBuilder();
    provenance.forEach((key, value) -> builder.putString("endoreward." + key, value));
    return builder.build();
  }

  /** Verifies the artefact, its tokenizer and template on the driver; returns the provenance. */
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
}

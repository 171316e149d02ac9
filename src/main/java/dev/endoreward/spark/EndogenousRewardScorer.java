package dev.endoreward.spark;

import dev.endoreward.ProjectVersion;
import dev.endoreward.engine.ModelDescription;
import dev.endoreward.engine.RewardEngine;
import dev.endoreward.reward.RewardOptions;
import dev.endoreward.spark.config.ScoreConfig;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
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
 * Dataset<Row> scored = scorer.scoredRows(result);    // input + prompt_id + reward columns
 * Dataset<Row> rejected = scorer.rejectedRows(result); // input + prompt_id, reject_reason, reject_detail
 * }</pre>
 *
 * <p>The model, tokenizer, template and input schema are checked on the driver when {@link #score} is
 * called; scoring runs on the executors, one model per executor JVM. Settings use the keys of
 * {@code conf/score.properties}; {@code input.path} and {@code output.path} are not needed.
 */
public final class EndogenousRewardScorer implements Serializable {
  private final ScoreConfig config;
  private final OutputColumns output;
  private final Map<String, String> provenance;
  private final ScorerFactory scorers;

  /**
   * @param provenance what the rows are scored with, for the output's metadata
   * @param scorers opens each task's scorer on the executor
   */
  EndogenousRewardScorer(ScoreConfig config, Map<String, String> provenance, ScorerFactory scorers) {
    this.config = config;
    this.output = new OutputColumns(config.output().tokenLevel(), config.output().promptTokenIds());
    this.provenance = Collections.unmodifiableMap(new LinkedHashMap<>(provenance));
    this.scorers = scorers;
  }

  /**
   * A scorer from settings keyed as in {@code conf/score.properties}; {@code model.path} is required.
   *
   * @throws IllegalArgumentException "Cannot ..." for a bad setting or an unusable model
   */
  public static EndogenousRewardScorer create(Map<String, String> settings) {
    return fromConfig(ScoreConfig.forLibrary(settings));
  }

  /**
   * A scorer for a parsed job configuration, after checking the model, its tokenizer and template against
   * the configuration here, on the driver.
   *
   * @throws IllegalArgumentException "Cannot ..." for an unusable model
   */
  public static EndogenousRewardScorer fromConfig(ScoreConfig config) {
    ModelDescription model = RewardEngine.check(config.engineOptions());
    return new EndogenousRewardScorer(config, provenance(config, model), new EngineScorerFactory(config));
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
    StructType schema = input.schema();
    PromptIds promptIds = PromptIds.of(config.input().columns(), schema);
    InputReader.checkSchema(config.input().path(), config.input().columns(), promptIds.column(), schema);
    int[] carried = IntStream.range(0, schema.size())
        .filter(i -> isCarried(schema.fields()[i].name())).toArray();
    StructType carriedSchema = new StructType(IntStream.of(carried).mapToObj(i -> schema.fields()[i])
        .toArray(StructField[]::new));
    PartitionScorer scorer = new PartitionScorer(new PairReader(config.input().columns(), config.input().systemPrompt(),
        promptIds.column()),
        carried, promptIds, output, config.job().chunkRows(), metrics, scorers);
    return input.mapPartitions((MapPartitionsFunction<Row, Row>) scorer::score,
        Encoders.row(output.combinedSchema(carriedSchema)));
  }

  /** Input columns reach the output, except the hidden ones and an input {@code prompt_id}, which becomes its own. */
  private static boolean isCarried(String column) {
    return !SourceColumns.isHidden(column) && !column.equals(OutputColumns.PROMPT_ID);
  }

  /**
   * The scored rows of a {@link #score} result: input columns, {@code prompt_id}, then score columns; provenance
   * on {@code reward}.
   */
  public Dataset<Row> scoredRows(Dataset<Row> result) {
    List<Column> columns = inputColumns(result);
    columns.add(functions.col(OutputColumns.PROMPT_ID));
    for (StructField field : output.scoreFields()) {
      Column column = functions.col(field.name());
      columns.add(field.name().equals(OutputColumns.REWARD)
          ? column.as(field.name(), provenanceMetadata()) : column);
    }
    return result.filter(functions.col(OutputColumns.REJECT_REASON).isNull()).select(columns.toArray(Column[]::new));
  }

  /**
   * The rejected rows of a {@link #score} result: input columns, {@code prompt_id} (when an input column gives
   * it, else null), {@code reject_reason}, {@code reject_detail}.
   */
  public Dataset<Row> rejectedRows(Dataset<Row> result) {
    List<Column> columns = inputColumns(result);
    columns.add(functions.col(OutputColumns.PROMPT_ID));
    columns.add(functions.col(OutputColumns.REJECT_REASON));
    columns.add(functions.col(OutputColumns.REJECT_DETAIL));
    return result.filter(functions.col(OutputColumns.REJECT_REASON).isNotNull()).select(columns.toArray(Column[]::new));
  }

  /** Model, tokenizer and template sha256, reward options, config fingerprint, project version and git commit. */
  public Map<String, String> provenance() {
    return provenance;
  }

  private List<Column> inputColumns(Dataset<Row> result) {
    StructType schema = result.schema();
    int inputCount = schema.size() - 1 - output.scoreFields().size() - OutputColumns.rejectFields().size();
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

  /** Model, tokenizer and template sha256, reward options, config fingerprint, project version and git commit. */
  private static Map<String, String> provenance(ScoreConfig config, ModelDescription model) {
    Map<String, String> provenance = new LinkedHashMap<>();
    provenance.put("model_path", model.modelPath().toString());
    provenance.put("model_sha256", model.modelSha256());
    provenance.put("tokenizer_sha256", model.tokenizerSha256());
    provenance.put("template_mode", model.templateMode().name());
    provenance.put("template_sha256", model.templateSha256());
    RewardOptions reward = config.engine().reward();
    provenance.put("alpha", String.valueOf(reward.alpha()));
    provenance.put("gamma", String.valueOf(reward.gamma()));
    provenance.put("terminal", reward.terminal().name());
    provenance.put("config_sha256", config.fingerprint());
    provenance.put("project_version", ProjectVersion.get());
    ProjectVersion.gitCommit().ifPresent(commit -> provenance.put("git_commit", commit));
    return provenance;
  }
}

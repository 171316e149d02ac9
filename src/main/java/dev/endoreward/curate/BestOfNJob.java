package dev.endoreward.curate;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code best-of-n}: per prompt, the top k responses in {@link Candidate#BEST_FIRST} order, as TRL SFT data:
 * {@code prompt} and {@code completion}, or {@code messages}; then {@code prompt_id}, {@code id}, {@code rank}
 * (1 for the best) and {@code score}.
 */
public final class BestOfNJob {
  private BestOfNJob() {}

  /** Runs the command; returns the report it wrote. */
  public static Map<String, Object> run(SparkSession spark, BestOfNConfig config) {
    ScoredInput input = ScoredInput.open(spark, config.io().input(), "select the best of n from");
    input.requirePromptIds();
    RunSettings settings = input.settings();
    TrainerText text = TrainerText.of(settings, config.format(), CurateKeys.BEST_OF_N_FORMAT.name());
    CurationOutput output = CurationOutput.prepare(spark, config.io());
    spark.sparkContext().setJobDescription("best-of-n " + config.io().input());

    Dataset<Row> scored = input.scored();
    StructType schema = (config.format() == TrainerFormat.STANDARD
        ? new StructType().add("prompt", DataTypes.StringType).add("completion", DataTypes.StringType)
        : new StructType().add("messages", TrainerText.MESSAGES))
        .add(ScoredInput.PROMPT_ID, scored.schema().apply(ScoredInput.PROMPT_ID).dataType())
        .add("id", scored.schema().apply(settings.idColumn()).dataType())
        .add("rank", DataTypes.IntegerType, false)
        .add("score", DataTypes.DoubleType, false);
    ScoreColumn score = config.score();
    int k = config.k();
    TrainerFormat format = config.format();
    Dataset<Row> best = PromptGroups.map(scored, schema, rows -> {
      List<Candidate> ranked = PromptGroups.candidates(rows, score, settings.idColumn());
      ranked.sort(Candidate.BEST_FIRST);
      List<Row> result = new ArrayList<>();
      for (int rank = 1; rank <= Math.min(k, ranked.size()); rank++) {
        Candidate candidate = ranked.get(rank - 1);
        Row row = rows.get(candidate.index());
        Object id = row.getAs(settings.idColumn());
        Object promptId = row.getAs(ScoredInput.PROMPT_ID);
        result.add(format == TrainerFormat.STANDARD
            ? RowFactory.create(text.prompt(row), text.response(row), promptId, id, rank, candidate.score())
            : RowFactory.create(text.messages(row), promptId, id, rank, candidate.score()));
      }
      return result;
    }).orderBy(col(ScoredInput.PROMPT_ID), col("rank")).persist();
    output.writeParquet(best);
    output.writeJsonLines(best);
    long written = best.count();
    best.unpersist();

    Dataset<Row> sizes = scored.groupBy(ScoredInput.PROMPT_ID).count().persist();
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("command", BestOfNConfig.COMMAND);
    report.put("input", config.io().input());
    report.put("score", score.column());
    report.put("k", k);
    report.put("format", CurateKeys.BEST_OF_N_FORMAT.write(format));
    report.put("tie_break", "higher score, then fewer response tokens, then smaller id");
    report.put("rows_in", scored.count());
    report.put("prompts", sizes.count());
    report.put("prompts_with_fewer_than_k", sizes.filter(col("count").lt(k)).count());
    report.put("rows_written", written);
    report.put("score_rejected_rows", input.rejectedRows());
    sizes.unpersist();
    output.finish(report);
    return report;
  }
}

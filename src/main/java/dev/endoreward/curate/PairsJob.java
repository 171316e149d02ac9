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
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code pairs}: per prompt, preference pairs ({@link PreferencePairs}) with exactly the columns TRL's
 * {@code DPOTrainer} reads, {@code prompt}, {@code chosen}, {@code rejected}, then {@code chosen_reward},
 * {@code rejected_reward} and {@code margin} (the chosen score minus the rejected one). A prompt without a
 * pair is counted in the report under why: one response, all scores equal, or no margin wide enough.
 */
public final class PairsJob {
  private static final List<String> PAIR_COLUMNS =
      List.of("prompt", "chosen", "rejected", "chosen_reward", "rejected_reward", "margin");
  private static final String OUTCOME = "outcome";
  private static final String PAIR = "pair";
  private static final List<String> NO_PAIR =
      List.of("single_response", "all_scores_equal", "no_margin_wide_enough");

  private PairsJob() {}

  /** Runs the command; returns the report it wrote. */
  public static Map<String, Object> run(SparkSession spark, PairsConfig config) {
    ScoredInput input = ScoredInput.open(spark, config.io().input(), "build pairs from");
    input.requirePromptIds();
    RunSettings settings = input.settings();
    TrainerText text = TrainerText.of(settings, config.format(), CurateKeys.PAIRS_FORMAT.name());
    CurationOutput output = CurationOutput.prepare(spark, config.io());
    spark.sparkContext().setJobDescription("pairs " + config.io().input());

    Dataset<Row> scored = input.scored();
    DataType textType = text.type();
    StructType schema = new StructType()
        .add("prompt", textType).add("chosen", textType).add("rejected", textType)
        .add("chosen_reward", DataTypes.DoubleType).add("rejected_reward", DataTypes.DoubleType)
        .add("margin", DataTypes.DoubleType)
        .add(ScoredInput.PROMPT_ID, scored.schema().apply(ScoredInput.PROMPT_ID).dataType())
        .add("pair_index", DataTypes.IntegerType, false)
        .add(OUTCOME, DataTypes.StringType, false);
    ScoreColumn score = config.score();
    PreferencePairs builder = config.pairs();
    Dataset<Row> outcomes = PromptGroups.map(scored, schema, rows -> {
      List<Candidate> candidates = PromptGroups.candidates(rows, score, settings.idColumn());
      List<PreferencePairs.Pair> pairs = builder.of(candidates);
      Object promptId = rows.get(0).getAs(ScoredInput.PROMPT_ID);
      List<Row> result = new ArrayList<>();
      for (int i = 0; i < pairs.size(); i++) {
        PreferencePairs.Pair pair = pairs.get(i);
        Row chosen = rows.get(pair.chosen());
        result.add(RowFactory.create(text.prompt(chosen), text.response(chosen),
            text.response(rows.get(pair.rejected())), candidates.get(pair.chosen()).score(),
            candidates.get(pair.rejected()).score(), pair.margin(), promptId, i, PAIR));
      }
      if (pairs.isEmpty()) {
        result.add(RowFactory.create(null, null, null, null, null, null, promptId, 0, noPairReason(candidates)));
      }
      return result;
    }).persist();
    Dataset<Row> pairs = outcomes.filter(col(OUTCOME).equalTo(PAIR))
        .orderBy(col(ScoredInput.PROMPT_ID), col("pair_index"))
        .select(PAIR_COLUMNS.stream().map(org.apache.spark.sql.functions::col).toArray(org.apache.spark.sql.Column[]::new));
    output.writeParquet(pairs);
    output.writeJsonLines(pairs);

    Map<String, Long> withoutPair = new LinkedHashMap<>();
    NO_PAIR.forEach(reason -> withoutPair.put(reason, 0L));
    long pairCount = 0;
    for (Row count : outcomes.groupBy(OUTCOME).count().collectAsList()) {
      if (count.getString(0).equals(PAIR)) {
        pairCount = count.getLong(1);
      } else {
        withoutPair.put(count.getString(0), count.getLong(1));
      }
    }
    long prompts = outcomes.select(ScoredInput.PROMPT_ID).distinct().count();
    outcomes.unpersist();

    Map<String, Object> report = new LinkedHashMap<>();
    report.put("command", PairsConfig.COMMAND);
    report.put("input", config.io().input());
    report.put("score", score.column());
    report.put("mode", CurateKeys.PAIRS_MODE.write(config.mode()));
    report.put("min_margin", config.minMargin());
    report.put("max_per_prompt", config.mode() == PairMode.ALL ? config.maxPerPrompt() : 1);
    report.put("format", CurateKeys.PAIRS_FORMAT.write(config.format()));
    report.put("rows_in", scored.count());
    report.put("prompts", prompts);
    report.put("prompts_with_pairs", prompts - withoutPair.values().stream().mapToLong(Long::longValue).sum());
    report.put("prompts_without_pair", withoutPair);
    report.put("pairs", pairCount);
    report.put("score_rejected_rows", input.rejectedRows());
    output.finish(report);
    return report;
  }

  private static String noPairReason(List<Candidate> candidates) {
    if (candidates.size() < 2) {
      return NO_PAIR.get(0);
    }
    double first = candidates.get(0).score();
    return candidates.stream().allMatch(c -> c.score() == first) ? NO_PAIR.get(1) : NO_PAIR.get(2);
  }
}

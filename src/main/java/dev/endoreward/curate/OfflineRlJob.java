package dev.endoreward.curate;

import static org.apache.spark.sql.functions.col;

import dev.endoreward.reward.TerminalValue;
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
 * {@code offline-rl}: per scored response, the exact token sequence score scored ({@code input_ids}, prompt
 * then response), an {@code action_mask} over it (1 on response positions), and per response token the
 * reward, the behaviour log-probability and the discounted return-to-go; then the response's
 * {@code advantage}, its first return minus the prompt's {@code baseline}, and {@code terminal}, false when
 * the score run bootstrapped the value after the last token because responses were cut off.
 */
public final class OfflineRlJob {
  private static final String PROMPT_TOKENS = "prompt_token_ids";
  private static final List<String> TOKEN_LEVEL = List.of("response_token_ids", "token_rewards", "token_logprobs");

  private OfflineRlJob() {}

  /** Runs the command; returns the report it wrote. */
  public static Map<String, Object> run(SparkSession spark, OfflineRlConfig config) {
    ScoredInput input = ScoredInput.open(spark, config.io().input(), "build offline-RL data from");
    input.requirePromptIds();
    for (String column : TOKEN_LEVEL) {
      input.require(column, "score with --set output.token-level=true --set output.prompt-token-ids=true");
    }
    input.require(PROMPT_TOKENS, "score with --set output.prompt-token-ids=true");
    RunSettings settings = input.settings();
    CurationOutput output = CurationOutput.prepare(spark, config.io());
    spark.sparkContext().setJobDescription("offline-rl " + config.io().input());

    Dataset<Row> scored = input.scored();
    StructType schema = new StructType()
        .add(ScoredInput.PROMPT_ID, scored.schema().apply(ScoredInput.PROMPT_ID).dataType())
        .add("id", scored.schema().apply(settings.idColumn()).dataType())
        .add("input_ids", DataTypes.createArrayType(DataTypes.IntegerType, false), false)
        .add("action_mask", DataTypes.createArrayType(DataTypes.IntegerType, false), false)
        .add("rewards", DataTypes.createArrayType(DataTypes.FloatType, false), false)
        .add("behaviour_logprobs", DataTypes.createArrayType(DataTypes.FloatType, false), false)
        .add("returns", DataTypes.createArrayType(DataTypes.FloatType, false), false)
        .add("baseline", DataTypes.FloatType, false)
        .add("advantage", DataTypes.FloatType, false)
        .add("terminal", DataTypes.BooleanType, false)
        .add("prompt_truncated", DataTypes.BooleanType)
        .add("num_prompt_tokens", DataTypes.IntegerType)
        .add("num_response_tokens", DataTypes.IntegerType);
    double discount = config.discount();
    Baseline baseline = config.baseline();
    boolean terminal = settings.terminal() == TerminalValue.ZERO;
    Dataset<Row> data = PromptGroups.map(scored, schema, rows -> {
      List<float[]> returns = new ArrayList<>();
      double sum = 0;
      for (Row row : rows) {
        float[] rowReturns = ReturnsToGo.of(floats(row, "token_rewards"), discount);
        returns.add(rowReturns);
        sum += rowReturns.length == 0 ? 0 : rowReturns[0];
      }
      float mean = baseline == Baseline.PROMPT_MEAN ? (float) (sum / rows.size()) : 0f;
      List<Row> result = new ArrayList<>();
      for (int i = 0; i < rows.size(); i++) {
        Row row = rows.get(i);
        List<Integer> prompt = row.getList(row.fieldIndex(PROMPT_TOKENS));
        List<Integer> response = row.getList(row.fieldIndex("response_token_ids"));
        int[] ids = new int[prompt.size() + response.size()];
        int[] mask = new int[ids.length];
        for (int t = 0; t < ids.length; t++) {
          boolean action = t >= prompt.size();
          ids[t] = action ? response.get(t - prompt.size()) : prompt.get(t);
          mask[t] = action ? 1 : 0;
        }
        float[] rowReturns = returns.get(i);
        float first = rowReturns.length == 0 ? 0f : rowReturns[0];
        result.add(RowFactory.create(row.getAs(ScoredInput.PROMPT_ID), row.getAs(settings.idColumn()), ids, mask,
            floats(row, "token_rewards"), floats(row, "token_logprobs"), rowReturns, mean, first - mean, terminal,
            row.getAs("prompt_truncated"), row.getAs("num_prompt_tokens"), row.getAs(ScoredInput.RESPONSE_TOKENS)));
      }
      return result;
    }).orderBy(col(ScoredInput.PROMPT_ID), col("id"));
    output.writeParquet(data);

    Map<String, Object> report = new LinkedHashMap<>();
    report.put("command", OfflineRlConfig.COMMAND);
    report.put("input", config.io().input());
    report.put("discount", discount);
    report.put("baseline", CurateKeys.OFFLINE_RL_BASELINE.write(baseline));
    report.put("terminal", terminal);
    report.put("rows_in", scored.count());
    report.put("prompts", scored.select(ScoredInput.PROMPT_ID).distinct().count());
    report.put("score_rejected_rows", input.rejectedRows());
    output.finish(report);
    return report;
  }

  private static float[] floats(Row row, String column) {
    List<Float> values = row.getList(row.fieldIndex(column));
    float[] result = new float[values.size()];
    for (int i = 0; i < result.length; i++) {
      result[i] = values.get(i);
    }
    return result;
  }
}

package dev.endoreward.curate;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A small score output folder built by hand, laid out as README's "Output" describes it: scored and
 * rejected rows under {@code run_id=r1/unit=0/}, the run record's column settings, and {@code _SUCCESS}.
 * Rewards are sums of the token rewards, as score writes them.
 */
final class HandBuiltScoreOutput {
  static final StructType SCORED = new StructType()
      .add("id", DataTypes.StringType).add("prompt", DataTypes.StringType).add("response", DataTypes.StringType)
      .add("prompt_id", DataTypes.StringType)
      .add("reward", DataTypes.FloatType).add("reward_mean", DataTypes.FloatType)
      .add("logprob", DataTypes.FloatType).add("logprob_mean", DataTypes.FloatType)
      .add("value_prompt", DataTypes.FloatType)
      .add("num_prompt_tokens", DataTypes.IntegerType).add("num_response_tokens", DataTypes.IntegerType)
      .add("prompt_truncated", DataTypes.BooleanType)
      .add("response_token_ids", DataTypes.createArrayType(DataTypes.IntegerType))
      .add("token_rewards", DataTypes.createArrayType(DataTypes.FloatType))
      .add("token_logprobs", DataTypes.createArrayType(DataTypes.FloatType))
      .add("prompt_token_ids", DataTypes.createArrayType(DataTypes.IntegerType));
  static final StructType REJECTED = new StructType()
      .add("id", DataTypes.StringType).add("prompt", DataTypes.StringType).add("response", DataTypes.StringType)
      .add("prompt_id", DataTypes.StringType)
      .add("reject_reason", DataTypes.StringType).add("reject_detail", DataTypes.StringType);

  private final List<Row> scored = new ArrayList<>();
  private final List<Row> rejected = new ArrayList<>();
  private final Map<String, String> config = new LinkedHashMap<>();
  private boolean complete = true;
  private boolean promptIds = true;
  private boolean promptTokenIds = true;

  /**
   * A scored row; the prompt text is "question &lt;promptId&gt;", prompt tokens {@code [1, 7]}, and the
   * token log-probabilities each -0.5 (all that matters of them is that they are carried).
   */
  HandBuiltScoreOutput scored(String id, String promptId, String response, float... tokenRewards) {
    float reward = 0;
    int[] tokens = new int[tokenRewards.length];
    float[] logprobs = new float[tokenRewards.length];
    for (int k = 0; k < tokenRewards.length; k++) {
      reward += tokenRewards[k];
      tokens[k] = 100 + k;
      logprobs[k] = -0.5f;
    }
    int n = tokenRewards.length;
    scored.add(RowFactory.create(id, "question " + promptId, response, promptId, reward, reward / n,
        -0.5f * n, -0.5f, reward + 0.5f * n, 2, n, false, tokens, tokenRewards, logprobs, new int[] {1, 7}));
    return this;
  }

  HandBuiltScoreOutput rejected(String id, String promptId, String reason) {
    rejected.add(RowFactory.create(id, "question " + promptId, "r", promptId, reason, "by hand"));
    return this;
  }

  /** Sets a score key in the run record, e.g. {@code input.system-prompt}. */
  HandBuiltScoreOutput config(String key, String value) {
    config.put(key, value);
    return this;
  }

  HandBuiltScoreOutput incomplete() {
    complete = false;
    return this;
  }

  HandBuiltScoreOutput withoutPromptIds() {
    promptIds = false;
    return this;
  }

  HandBuiltScoreOutput withoutPromptTokenIds() {
    promptTokenIds = false;
    return this;
  }

  /** Writes the folder under {@code dir}; returns its path. */
  Path write(SparkSession spark, Path dir) {
    var scoredRows = spark.createDataFrame(scored, SCORED);
    if (!promptIds) {
      scoredRows = scoredRows.drop("prompt_id");
    }
    if (!promptTokenIds) {
      scoredRows = scoredRows.drop("prompt_token_ids");
    }
    scoredRows.coalesce(1).write().parquet(dir.resolve("scored/run_id=r1/unit=0").toString());
    spark.createDataFrame(rejected, REJECTED).coalesce(1).write()
        .parquet(dir.resolve("rejected/run_id=r1/unit=0").toString());
    Map<String, String> recorded = new LinkedHashMap<>();
    for (String key : List.of("input.column.id", "input.column.prompt", "input.column.response",
        "input.column.messages", "input.column.system", "input.system-prompt", "reward.terminal")) {
      recorded.put(key, "");
    }
    recorded.put("input.column.id", "id");
    recorded.put("input.column.prompt", "prompt");
    recorded.put("input.column.response", "response");
    recorded.put("reward.terminal", "zero");
    recorded.putAll(config);
    try {
      Path run = Files.createDirectories(dir.resolve("_runs/r1"));
      new ObjectMapper().writeValue(run.resolve("run.json").toFile(), Map.of("run_id", "r1", "config", recorded));
      if (complete) {
        Files.writeString(dir.resolve("_SUCCESS"), "");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dir;
  }
}

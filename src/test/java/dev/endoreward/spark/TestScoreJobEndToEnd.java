package dev.endoreward.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.endoreward.batch.ScoredPair;
import dev.endoreward.engine.RewardEngine;
import dev.endoreward.reward.Outcome;
import dev.endoreward.spark.config.ScoreConfig;
import dev.endoreward.testing.DuckDb;
import dev.endoreward.testing.ScoreOutput;
import dev.endoreward.testing.PairRows;
import dev.endoreward.testing.SharedFixtures;
import dev.endoreward.testing.SparkTestBase;
import dev.endoreward.testing.Tolerances;
import dev.endoreward.text.PairInput;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The score job on local[2] over real HH-RLHF pairs with the real stories260K model, read back with
 * DuckDB.
 */
class TestScoreJobEndToEnd extends SparkTestBase {
  @TempDir static Path temp;
  private static PairRows inputRows;
  private static ScoreConfig config;
  private static RunSummary summary;
  private static Path output;

  @BeforeAll
  static void scoreOnce() throws IOException {
    inputRows = PairRows.hhRlhf(10);
    inputRows.add("null-prompt", null, " fine");
    inputRows.add("null-response", "Hello", null);
    inputRows.add("empty-response", "Hello", "");
    inputRows.add("long-prompt", "Once upon a time there was a cat. ".repeat(60), " The end.");
    inputRows.add("long-response", "Tell me a story.", " Once upon a time there was a dog.".repeat(60));
    Path input = inputRows.writeJsonLines(temp.resolve("pairs.jsonl"));

    output = temp.resolve("out");
    Map<String, String> values = new HashMap<>();
    values.put("model.path", SharedFixtures.storiesArtefact().toString());
    values.put("input.path", input.toString());
    values.put("output.path", output.toString());
    values.put("length.max", "256");
    values.put("batch.max-tokens", "1024");
    values.put("batch.max-rows", "4");
    values.put("batch.chunk-rows", "9");
    values.put("job.partitions", "3");
    values.put("job.progress", "false");
    values.put("output.prompt-token-ids", "true");
    config = ScoreConfig.fromMap(values);
    summary = ScoreJob.run(spark, config);
  }

  private static String scoredGlob() {
    return ScoreOutput.glob(output, "scored");
  }

  private static String rejectedGlob() {
    return ScoreOutput.glob(output, "rejected");
  }

  @Test
  void scoredColumnsAndTypesAreExactlyTheContract() {
    assertThat(DuckDb.schema(scoredGlob())).containsExactly(
        entry("id", "VARCHAR"), entry("prompt", "VARCHAR"), entry("response", "VARCHAR"),
        entry("prompt_id", "VARCHAR"), entry("reward", "FLOAT"), entry("reward_mean", "FLOAT"), entry("logprob", "FLOAT"),
        entry("logprob_mean", "FLOAT"), entry("value_prompt", "FLOAT"),
        entry("num_prompt_tokens", "INTEGER"), entry("num_response_tokens", "INTEGER"),
        entry("prompt_truncated", "BOOLEAN"),
        entry("response_token_ids", "INTEGER[]"), entry("token_rewards", "FLOAT[]"),
        entry("token_logprobs", "FLOAT[]"), entry("prompt_token_ids", "INTEGER[]"),
        entry("run_id", "VARCHAR"), entry("unit", "BIGINT"));
    assertThat(DuckDb.schema(rejectedGlob())).containsExactly(
        entry("id", "VARCHAR"), entry("prompt", "VARCHAR"), entry("response", "VARCHAR"),
        entry("prompt_id", "VARCHAR"), entry("reject_reason", "VARCHAR"), entry("reject_detail", "VARCHAR"),
        entry("run_id", "VARCHAR"), entry("unit", "BIGINT"));
  }

  @Test
  void responsesToOnePromptShareAPromptIdAndOtherPromptsDoNot() {
    // A prompt cut to fit is hashed whole, so its responses group with the others whatever they kept of it.
    String whole = "read_parquet('" + scoredGlob() + "')";
    List<Map<String, Object>> groups = DuckDb.query("SELECT prompt, count(DISTINCT prompt_id) AS ids, count(*) AS rows"
        + " FROM " + whole + " GROUP BY prompt");
    assertThat(groups).allSatisfy(group -> assertThat(((Number) group.get("ids")).longValue()).isEqualTo(1));
    assertThat(groups).anySatisfy(group -> assertThat(((Number) group.get("rows")).longValue()).isGreaterThan(1));
    List<Map<String, Object>> ids = DuckDb.query("SELECT prompt_id, count(DISTINCT prompt) AS prompts FROM " + whole
        + " GROUP BY prompt_id");
    assertThat(ids).hasSize(groups.size())
        .allSatisfy(id -> assertThat(((Number) id.get("prompts")).longValue()).isEqualTo(1));
    assertThat(DuckDb.query("SELECT count(*) AS n FROM read_parquet('" + rejectedGlob() + "') WHERE prompt_id IS NOT NULL"))
        .singleElement().satisfies(row -> assertThat(((Number) row.get("n")).longValue()).isZero());
  }

  @Test
  void everyInputRowAppearsExactlyOnce() {
    List<Object> ids = new ArrayList<>();
    DuckDb.query("SELECT id FROM read_parquet('" + scoredGlob() + "')").forEach(r -> ids.add(r.get("id")));
    DuckDb.query("SELECT id FROM read_parquet('" + rejectedGlob() + "')").forEach(r -> ids.add(r.get("id")));
    assertThat(ids).containsExactlyInAnyOrderElementsOf(inputRows.byId().keySet());
  }

  @Test
  void badRowsAreRejectedWithTheRightReason() {
    Map<Object, Object> reasons = new HashMap<>();
    DuckDb.query("SELECT id, reject_reason, reject_detail FROM read_parquet('" + rejectedGlob() + "')")
        .forEach(r -> reasons.put(r.get("id"), r.get("reject_reason")));
    assertThat(reasons).containsOnly(
        entry("null-prompt", "NULL_FIELD"), entry("null-response", "NULL_FIELD"),
        entry("empty-response", "EMPTY_RESPONSE"), entry("long-response", "TOO_LONG"));
    List<Map<String, Object>> truncated = DuckDb.query("SELECT prompt_truncated, num_prompt_tokens, num_response_tokens"
        + " FROM read_parquet('" + scoredGlob() + "') WHERE id = 'long-prompt'");
    assertThat(truncated.get(0).get("prompt_truncated")).isEqualTo(true);
    assertThat((int) truncated.get(0).get("num_prompt_tokens") + (int) truncated.get(0).get("num_response_tokens"))
        .isLessThanOrEqualTo(256);
  }

  @Test
  void rewardsEqualTheEnginesOwnResults() {
    List<Map<String, Object>> rows = DuckDb.query("SELECT * FROM read_parquet('" + scoredGlob() + "') ORDER BY id");
    List<PairInput> pairs = new ArrayList<>();
    for (Map<String, Object> row : rows) {
      pairs.add(PairInput.of(null, (String) row.get("prompt"), (String) row.get("response")));
    }
    List<Outcome<ScoredPair>> expected;
    try (RewardEngine engine = RewardEngine.open(config.engineOptions())) {
      expected = engine.newScorer().score(pairs);
    }
    assertThat(rows).hasSize(inputRows.byId().size() - 4);
    for (int i = 0; i < rows.size(); i++) {
      Map<String, Object> row = rows.get(i);
      ScoredPair want = expected.get(i).value();
      String id = (String) row.get("id");
      assertThat((double) (float) row.get("reward")).as(id).isCloseTo(want.reward().reward(), within(Tolerances.float32(want.reward().reward())));
      assertThat((double) (float) row.get("logprob")).as(id).isCloseTo(want.reward().logprob(), within(Tolerances.float32(want.reward().logprob())));
      assertThat((double) (float) row.get("value_prompt")).as(id).isCloseTo(want.reward().valuePrompt(), within(Tolerances.float32(want.reward().valuePrompt())));
      assertThat((int) row.get("num_response_tokens")).as(id).isEqualTo(want.tokens().responseIds().length);
      assertThat(row.get("response_token_ids")).as(id).isEqualTo(boxed(want.tokens().responseIds()));
      assertThat(row.get("prompt_token_ids")).as(id).isEqualTo(boxed(want.tokens().promptIds()));
      @SuppressWarnings("unchecked")
      List<Float> tokenRewards = (List<Float>) row.get("token_rewards");
      assertThat(tokenRewards).as(id).hasSize(want.reward().tokenRewards().length);
      for (int k = 0; k < tokenRewards.size(); k++) {
        assertThat((double) tokenRewards.get(k)).isCloseTo(want.reward().tokenRewards()[k], within(Tolerances.float32(want.reward().tokenRewards()[k])));
      }
    }
  }

  @Test
  void summaryCountsMatchTheOutput() {
    JsonNode written = ScoreOutput.onlyRun(output);
    long scored = ((Number) DuckDb.query("SELECT count(*) AS n FROM read_parquet('" + scoredGlob() + "')").get(0).get("n")).longValue();
    assertThat(written.get("rows_in").asLong()).isEqualTo(inputRows.byId().size());
    assertThat(written.get("rows_scored").asLong()).isEqualTo(scored);
    assertThat(written.get("rows_rejected").asLong()).isEqualTo(4);
    assertThat(written.get("rejected_by_reason").get("NULL_FIELD").asLong()).isEqualTo(2);
    assertThat(written.get("rejected_by_reason").get("TOO_LONG").asLong()).isEqualTo(1);
    assertThat(written.get("rejected_by_reason").get("EMPTY_RESPONSE").asLong()).isEqualTo(1);
    long responseTokens = ((Number) DuckDb.query("SELECT sum(num_response_tokens) AS n FROM read_parquet('"
        + scoredGlob() + "')").get(0).get("n")).longValue();
    assertThat(written.get("response_tokens").asLong()).isEqualTo(responseTokens);
    assertThat(written.get("attempts").get(0).get("tokens_per_second").asDouble()).isPositive();
    assertThat(written.get("provenance").get("model_sha256").asText()).hasSize(64);
    assertThat(written.get("provenance").get("config_sha256").asText()).isEqualTo(config.fingerprint());
    assertThat(summary.rowsScored()).isEqualTo(scored);
  }

  @Test
  void parquetIsZstdWithProvenanceInTheFooter() {
    String modelSha = summary.provenance().get("model_sha256");
    List<Map<String, Object>> codecs = DuckDb.query("SELECT DISTINCT compression FROM parquet_metadata('" + scoredGlob() + "')");
    assertThat(codecs).extracting(r -> r.get("compression")).containsExactly("ZSTD");
    List<Map<String, Object>> footer = DuckDb.query("SELECT decode(value) AS v FROM parquet_kv_metadata('"
        + scoredGlob() + "') WHERE decode(key) = 'org.apache.spark.sql.parquet.row.metadata'");
    assertThat(footer).isNotEmpty().allSatisfy(r -> assertThat((String) r.get("v"))
        .contains("endoreward.model_sha256").contains(modelSha).contains("endoreward.template_sha256"));
  }

  private static List<Integer> boxed(int[] ids) {
    List<Integer> list = new ArrayList<>();
    for (int id : ids) {
      list.add(id);
    }
    return list;
  }
}

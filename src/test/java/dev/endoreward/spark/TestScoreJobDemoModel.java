package dev.endoreward.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.within;

import dev.endoreward.batch.ScoredPair;
import dev.endoreward.engine.RewardEngine;
import dev.endoreward.spark.config.ScoreConfig;
import dev.endoreward.testing.ArithmeticAnswers;
import dev.endoreward.testing.DuckDb;
import dev.endoreward.testing.ScoreOutput;
import dev.endoreward.testing.SharedFixtures;
import dev.endoreward.testing.SparkTestBase;
import dev.endoreward.testing.Tolerances;
import dev.endoreward.text.PairInput;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The score job on local[2] with the bundled demo model and its chat template, over the bundled
 * quickstart samples, read back with DuckDB.
 */
class TestScoreJobDemoModel extends SparkTestBase {

  @TempDir Path temp;

  private static Path demo(String relative) {
    return SharedFixtures.projectDir().resolve(relative);
  }

  private ScoreConfig config(String input, Map<String, String> extra) {
    Map<String, String> values = new HashMap<>(extra);
    values.put("model.path", demo("src/demo/model").toString());
    values.put("input.path", demo(input).toString());
    values.put("output.path", temp.resolve("out").toString());
    values.put("job.progress", "false");
    values.put("output.prompt-token-ids", "true");
    return ScoreConfig.fromMap(values);
  }

  private String glob(String output) {
    return ScoreOutput.glob(temp.resolve("out"), output);
  }

  @Test
  void scoresTheSamplePairsThroughTheChatTemplate() {
    ScoreConfig config = config("src/demo/sample/pairs.jsonl", Map.of("job.partitions", "3"));
    RunSummary summary = ScoreJob.run(spark, config);

    assertThat(summary.rowsIn()).isEqualTo(203);
    assertThat(summary.rejectedByReason()).containsEntry("NULL_FIELD", 1L).containsEntry("EMPTY_RESPONSE", 1L)
        .containsEntry("TOO_LONG", 1L);
    assertThat(summary.provenance()).containsEntry("template_mode", "CHAT");
    Map<Object, Object> reasons = new HashMap<>();
    DuckDb.query("SELECT id, reject_reason FROM read_parquet('" + glob("rejected") + "')")
        .forEach(r -> reasons.put(r.get("id"), r.get("reject_reason")));
    assertThat(reasons).containsOnly(entry("null-response", "NULL_FIELD"), entry("empty-response", "EMPTY_RESPONSE"),
        entry("long-response", "TOO_LONG"));

    List<Map<String, Object>> rows = DuckDb.query("SELECT * FROM read_parquet('" + glob("scored") + "') ORDER BY id");
    assertThat(rows).hasSize(200);
    Map<String, Object> truncated = rows.stream().filter(r -> r.get("id").equals("long-prompt")).findFirst().orElseThrow();
    assertThat(truncated.get("prompt_truncated")).isEqualTo(true);

    // rewards equal the engine's own results
    List<PairInput> pairs = new ArrayList<>();
    rows.forEach(r -> pairs.add(PairInput.of(null, (String) r.get("prompt"), (String) r.get("response"))));
    try (RewardEngine engine = RewardEngine.open(config.engineOptions())) {
      List<dev.endoreward.reward.Outcome<ScoredPair>> expected = engine.newScorer().score(pairs);
      for (int i = 0; i < rows.size(); i++) {
        ScoredPair want = expected.get(i).value();
        assertThat((double) (float) rows.get(i).get("reward")).as((String) rows.get(i).get("id"))
            .isCloseTo(want.reward().reward(), within(Tolerances.float32(want.reward().reward())));
        assertThat(rows.get(i).get("num_prompt_tokens")).isEqualTo(want.tokens().promptIds().length);
      }
    }

    // best-of-N on the output: the highest reward per prompt_id is mostly the correct answer
    Map<String, Map<String, Object>> best = new HashMap<>();
    for (Map<String, Object> row : rows) {
      String prompt = (String) row.get("prompt_id");
      if (prompt.equals("edge")) {
        continue;
      }
      Map<String, Object> current = best.get(prompt);
      if (current == null || (float) row.get("reward") > (float) current.get("reward")) {
        best.put(prompt, row);
      }
    }
    long correct = best.values().stream().filter(r -> ArithmeticAnswers.isCorrect((String) r.get("response"))).count();
    assertThat(best).hasSizeGreaterThan(20);
    assertThat((double) correct / best.size()).isGreaterThan(0.6);
  }

  @Test
  void scoresTheSampleConversationsInTheMessagesForm() {
    RunSummary summary = ScoreJob.run(spark, config("src/demo/sample/messages.jsonl",
        Map.of("input.column.messages", "messages", "input.column.prompt", "", "input.column.response", "")));
    assertThat(summary.rowsIn()).isEqualTo(20);
    assertThat(summary.rowsScored() + summary.rowsRejected()).isEqualTo(20);
    List<Map<String, Object>> rows = DuckDb.query("SELECT id, prompt_token_ids, response_token_ids FROM read_parquet('"
        + glob("scored") + "')");
    assertThat(rows).hasSize((int) summary.rowsScored()).isNotEmpty();
    try (RewardEngine engine = RewardEngine.open(config("src/demo/sample/messages.jsonl",
        Map.of("input.column.messages", "messages", "input.column.prompt", "", "input.column.response", ""))
        .engineOptions())) {
      int bos = engine.artefact().manifest().bosTokenId();
      for (Map<String, Object> row : rows) {
        @SuppressWarnings("unchecked")
        List<Integer> promptIds = (List<Integer>) row.get("prompt_token_ids");
        @SuppressWarnings("unchecked")
        List<Integer> responseIds = (List<Integer>) row.get("response_token_ids");
        assertThat(promptIds.get(0)).isEqualTo(bos);
        assertThat(engine.encoder().decode(responseIds.stream().mapToInt(Integer::intValue).toArray()))
            .as("the end-of-turn token closes the scored response").endsWith("<|end|>");
      }
    }
  }
}

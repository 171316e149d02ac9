package dev.endoreward.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.endoreward.spark.config.ScoreConfig;
import dev.endoreward.testing.DuckDb;
import dev.endoreward.testing.PairRows;
import dev.endoreward.testing.SparkTestBase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeoutException;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The score job's plumbing on a model-free {@link CodePointScorer}: every row accounted for, columns carried
 * through, rows kept apart, the output policy and the summary. The model itself is tested end to end
 * elsewhere.
 */
class TestScoreJobPlumbing extends SparkTestBase {
  @TempDir Path temp;

  /** Input rows; each has the columns id, prompt, response, source and n. */
  private final PairRows input = new PairRows();
  private final Map<String, ObjectNode> rows = input.byId();

  private void addRow(String id, String prompt, String response) {
    int n = rows.size();
    input.add(id, prompt, response).put("source", "src-" + id).put("n", n);
  }

  /** A mix of good rows and rows that every stage rejects: the reader, the scorer and its NaN rule. */
  private void addMixedRows(int count, long seed) {
    Random random = new Random(seed);
    for (int i = 0; i < count; i++) {
      String id = "r" + i;
      switch (random.nextInt(10)) {
        case 0 -> addRow(id, null, "no prompt");
        case 1 -> addRow(id, "Why?", null);
        case 2 -> addRow(id, "Why?", "");
        case 3 -> addRow(id, "Why?", "NaN, of course");
        default -> addRow(id, "Question " + random.nextInt(50) + "?", "Answer é" + "x".repeat(random.nextInt(40)));
      }
    }
  }

  private Path writeInput() {
    return input.writeJsonLines(temp.resolve("pairs.jsonl"));
  }

  private ScoreConfig config(Path input, Path output, String... keyValues) {
    Map<String, String> values = new HashMap<>();
    values.put("model.path", "/no/model/needed");
    values.put("input.path", input.toString());
    values.put("output.path", output.toString());
    values.put("job.progress", "false");
    for (int i = 0; i < keyValues.length; i += 2) {
      values.put(keyValues[i], keyValues[i + 1]);
    }
    return ScoreConfig.fromMap(values);
  }

  private static RunSummary run(ScoreConfig config) {
    EndogenousRewardScorer scorer =
        new EndogenousRewardScorer(config, Map.of("model_path", "none"), CodePointScorer.factory());
    return ScoreJob.run(spark, config, scorer);
  }

  private static List<Map<String, Object>> read(Path output, String child) {
    return DuckDb.query("SELECT * FROM read_parquet('" + output.resolve(child + "/*.parquet") + "')");
  }

  private static List<String> ids(List<Map<String, Object>> rows) {
    return rows.stream().map(row -> (String) row.get("id")).toList();
  }

  @Test
  void everyRowComesOutExactlyOnceAcrossPartitionsAndChunks() throws IOException {
    addMixedRows(1000, 7);
    Path output = temp.resolve("out");

    RunSummary summary = run(config(writeInput(), output, "job.partitions", "7", "batch.max-rows", "4",
        "batch.chunk-rows", "13"));

    List<String> scored = ids(read(output, "scored"));
    List<String> rejected = ids(read(output, "rejected"));
    List<String> all = new ArrayList<>(scored);
    all.addAll(rejected);
    assertThat(all).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(rows.keySet());
    assertThat(summary.rowsIn()).isEqualTo(rows.size());
    assertThat(summary.rowsIn()).isEqualTo(summary.rowsScored() + summary.rowsRejected());
    assertThat(summary.rowsScored()).isEqualTo(scored.size());
    assertThat(summary.rowsRejected()).isEqualTo(rejected.size());
    Map<String, Long> byReason = new HashMap<>();
    for (Map<String, Object> row : read(output, "rejected")) {
      byReason.merge((String) row.get("reject_reason"), 1L, Long::sum);
    }
    assertThat(byReason).containsOnlyKeys("NULL_FIELD", "EMPTY_RESPONSE", "NON_FINITE");
    byReason.forEach((reason, count) -> assertThat(summary.rejectedByReason()).containsEntry(reason, count));
  }

  @Test
  void rejectedRowsKeepTheirInputColumnsAndSayWhy() throws IOException {
    addRow("ok", "Hi?", "Hello.");
    addRow("null-prompt", null, "Hello.");
    addRow("nan", "Hi?", "NaN");
    Path output = temp.resolve("out");

    run(config(writeInput(), output));

    Map<String, Map<String, Object>> rejected = new HashMap<>();
    read(output, "rejected").forEach(row -> rejected.put((String) row.get("id"), row));
    assertThat(rejected).containsOnlyKeys("null-prompt", "nan");
    for (Map<String, Object> row : rejected.values()) {
      ObjectNode input = rows.get((String) row.get("id"));
      assertThat(row.get("source")).isEqualTo(input.get("source").asText());
      assertThat(((Number) row.get("n")).longValue()).isEqualTo(input.get("n").asLong());
      assertThat(row.get("response")).isEqualTo(input.get("response").asText());
      assertThat((String) row.get("reject_detail")).isNotBlank();
      assertThat(row).doesNotContainKey("reward");
    }
    assertThat(rejected.get("null-prompt")).containsEntry("reject_reason", "NULL_FIELD").containsEntry("prompt", null);
    assertThat(rejected.get("nan")).containsEntry("reject_reason", "NON_FINITE");
  }

  @Test
  void eachScoredRowCarriesItsOwnScoresInInputOrder() throws IOException {
    addMixedRows(300, 11);
    Path output = temp.resolve("out");

    // One partition and chunks that are sorted and batched: the output must still follow the input.
    run(config(writeInput(), output, "job.partitions", "1", "batch.max-rows", "5", "batch.chunk-rows", "17",
        "output.prompt-token-ids", "true"));

    List<Map<String, Object>> scored = read(output, "scored");
    List<String> expectedOrder = new ArrayList<>();
    rows.forEach((id, row) -> {
      String response = row.get("response").isNull() ? null : row.get("response").asText();
      if (!row.get("prompt").isNull() && response != null && !response.isEmpty() && !response.contains("NaN")) {
        expectedOrder.add(id);
      }
    });
    assertThat(ids(scored)).containsExactlyElementsOf(expectedOrder);
    for (Map<String, Object> row : scored) {
      ObjectNode input = rows.get((String) row.get("id"));
      String prompt = input.get("prompt").asText();
      String response = input.get("response").asText();
      assertThat(row.get("source")).isEqualTo(input.get("source").asText());
      assertThat((Float) row.get("reward")).isEqualTo(CodePointScorer.rewardOf(response));
      assertThat(row.get("num_prompt_tokens")).isEqualTo(prompt.codePointCount(0, prompt.length()));
      assertThat(row.get("num_response_tokens")).isEqualTo(response.codePointCount(0, response.length()));
      assertThat(row.get("response_token_ids")).isEqualTo(response.codePoints().boxed().toList());
      assertThat(row.get("prompt_token_ids")).isEqualTo(prompt.codePoints().boxed().toList());
      assertThat((List<?>) row.get("token_rewards")).hasSize(response.codePointCount(0, response.length()));
    }
  }

  @Test
  void tokenLevelColumnsAreLeftOutWhenTurnedOff() throws IOException {
    addRow("a", "Hi?", "Hello.");
    Path output = temp.resolve("out");

    run(config(writeInput(), output, "output.token-level", "false"));

    Map<String, String> schema = DuckDb.schema(output.resolve("scored/*.parquet").toString());
    assertThat(schema).containsKeys("id", "prompt", "response", "source", "n", "reward", "reward_mean", "logprob",
        "logprob_mean", "value_prompt", "num_prompt_tokens", "num_response_tokens", "prompt_truncated");
    assertThat(schema).doesNotContainKeys("response_token_ids", "token_rewards", "token_logprobs",
        "prompt_token_ids", "reject_reason", "reject_detail");
  }

  @Test
  void overwriteReplacesAnEarlierRunAndAppendAddsToIt() throws IOException {
    addRow("a", "Hi?", "Hello.");
    addRow("b", "Hi?", "NaN");
    Path output = temp.resolve("out");
    Path input = writeInput();
    run(config(input, output));

    run(config(input, output, "output.mode", "overwrite"));
    assertThat(ids(read(output, "scored"))).containsExactly("a");
    assertThat(ids(read(output, "rejected"))).containsExactly("b");

    RunSummary appended = run(config(input, output, "output.mode", "append"));
    assertThat(ids(read(output, "scored"))).containsExactly("a", "a");
    assertThat(ids(read(output, "rejected"))).containsExactly("b", "b");
    assertThat(appended.rowsIn()).isEqualTo(2); // the summary speaks of this run
  }

  @Test
  void errorIfExistsRefusesAnExistingOutputBeforeAnyJob() throws IOException, TimeoutException {
    addRow("a", "Hi?", "Hello.");
    Path output = Files.createDirectories(temp.resolve("out"));
    List<String> jobs = new ArrayList<>();
    SparkListener listener = new SparkListener() {
      @Override
      public void onJobStart(SparkListenerJobStart jobStart) {
        jobs.add(String.valueOf(jobStart.properties().getProperty("spark.job.description")));
      }
    };
    spark.sparkContext().addSparkListener(listener);
    try {
      assertThatThrownBy(() -> run(config(writeInput(), output)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("Cannot write to " + output + ": it already exists");
      spark.sparkContext().listenerBus().waitUntilEmpty();
      assertThat(jobs).noneMatch(description -> description.startsWith("endoreward"));
    } finally {
      spark.sparkContext().removeSparkListener(listener);
    }
    try (var files = Files.list(output)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void summaryTokenCountsComeFromTheScorersStatistics() throws IOException {
    addRow("a", "Hi?", "Hello.");
    addRow("b", "Hey", "Hi");
    Path output = temp.resolve("out");

    RunSummary summary = run(config(writeInput(), output, "job.partitions", "1"));

    assertThat(summary.promptTokens()).isEqualTo(3 + 3);
    assertThat(summary.responseTokens()).isEqualTo(6 + 2);
    assertThat(summary.paddedTokens()).isEqualTo(2 * 9 - (9 + 5)); // one batch padded to the 9-token row
    assertThat(summary.modelLoads()).isZero();
  }
}

package dev.endoreward.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.endoreward.spark.config.ScoreConfig;
import dev.endoreward.testing.DuckDb;
import dev.endoreward.testing.JobRecorder;
import dev.endoreward.testing.PairRows;
import dev.endoreward.testing.ScoreOutput;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The score job's plumbing on a model-free {@link CodePointScorer}: every row accounted for, columns carried
 * through, rows kept apart, the output policy and the summary. Runs, units, resume and append are in
 * {@link TestScoreJobRuns}; the model itself is tested end to end elsewhere.
 */
class TestScoreJobPlumbing extends SparkTestBase {
  @TempDir Path temp;

  /** Input rows; each has the columns id, prompt, response, source and n. */
  private final PairRows input = new PairRows();
  private final Map<String, ObjectNode> rows = input.byId();

  private ObjectNode addRow(String id, String prompt, String response) {
    int n = rows.size();
    return input.add(id, prompt, response).put("source", "src-" + id).put("n", n);
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

  private static ScoreConfig config(Path input, Path output, String... keyValues) {
    return CodePointScorer.config(input, output, keyValues);
  }

  private static RunSummary run(ScoreConfig config) {
    EndogenousRewardScorer scorer =
        new EndogenousRewardScorer(config, Map.of("model_path", "none"), CodePointScorer.factory());
    return ScoreJob.run(spark, config, scorer);
  }

  private static List<Map<String, Object>> read(Path output, String child) {
    return DuckDb.query("SELECT * FROM read_parquet('" + ScoreOutput.glob(output, child) + "')");
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
  void eachScoredRowCarriesItsOwnScores() throws IOException {
    addMixedRows(300, 11);
    Path output = temp.resolve("out");

    // Chunks that are sorted and batched: every row must still get its own scores.
    run(config(writeInput(), output, "job.partitions", "3", "batch.max-rows", "5", "batch.chunk-rows", "17",
        "output.prompt-token-ids", "true"));

    List<Map<String, Object>> scored = read(output, "scored");
    List<String> expected = new ArrayList<>();
    rows.forEach((id, row) -> {
      String response = row.get("response").isNull() ? null : row.get("response").asText();
      if (!row.get("prompt").isNull() && response != null && !response.isEmpty() && !response.contains("NaN")) {
        expected.add(id);
      }
    });
    assertThat(ids(scored)).containsExactlyInAnyOrderElementsOf(expected);
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
  void withoutAPromptIdColumnThePromptIdIsTheHashOfThePromptTokenIds() throws IOException {
    addRow("a1", "Same question?", "Yes.");
    addRow("a2", "Same question?", "No, not at all.");
    addRow("b", "Same question!", "Yes.");
    addRow("nan", "Same question?", "NaN");
    Path output = temp.resolve("out");

    run(config(writeInput(), output, "output.prompt-token-ids", "true"));

    // DuckDB recomputes it from the written token ids: SHA-256 over them as little-endian int32, 16 hex digits.
    String littleEndianHex = "array_to_string(list_transform(prompt_token_ids, x -> printf('%02x%02x%02x%02x',"
        + " x & 255, (x >> 8) & 255, (x >> 16) & 255, (x >> 24) & 255)), '')";
    Map<String, String> promptIds = new HashMap<>();
    for (Map<String, Object> row : DuckDb.query("SELECT id, prompt_id, substr(sha256(unhex(" + littleEndianHex
        + ")), 1, 16) AS recomputed FROM read_parquet('" + ScoreOutput.glob(output, "scored") + "')")) {
      assertThat(row.get("prompt_id")).as((String) row.get("id")).isEqualTo(row.get("recomputed"));
      promptIds.put((String) row.get("id"), (String) row.get("prompt_id"));
    }
    assertThat(promptIds).containsOnlyKeys("a1", "a2", "b");
    assertThat(promptIds.get("a1")).matches("[0-9a-f]{16}").isEqualTo(promptIds.get("a2"));
    assertThat(promptIds.get("b")).isNotEqualTo(promptIds.get("a1"));
    assertThat(read(output, "rejected")).singleElement()
        .satisfies(row -> assertThat(row).containsEntry("id", "nan").containsEntry("prompt_id", null));
    assertThat(DuckDb.schema(ScoreOutput.glob(output, "scored"))).containsEntry("prompt_id", "VARCHAR");
    assertThat(DuckDb.schema(ScoreOutput.glob(output, "rejected"))).containsEntry("prompt_id", "VARCHAR");
  }

  @Test
  void aConfiguredPromptIdColumnIsCarriedAndGivesThePromptIdAsAString() throws IOException {
    addRow("a1", "Same question?", "Yes.").put("qid", 7);
    addRow("a2", "Other question?", "No.").put("qid", 7);
    addRow("nan", "Same question?", "NaN").put("qid", 8);
    addRow("no-qid", "Same question?", "Yes.").putNull("qid");
    Path output = temp.resolve("out");

    run(config(writeInput(), output, "input.column.prompt-id", "qid"));

    assertThat(read(output, "scored")).extracting(row -> row.get("id"), row -> row.get("qid"), row -> row.get("prompt_id"))
        .containsExactlyInAnyOrder(tuple("a1", 7L, "7"), tuple("a2", 7L, "7"));
    assertThat(read(output, "rejected"))
        .extracting(row -> row.get("id"), row -> row.get("prompt_id"), row -> row.get("reject_reason"),
            row -> row.get("reject_detail"))
        .containsExactlyInAnyOrder(tuple("nan", "8", "NON_FINITE", "the response asks for it"),
            tuple("no-qid", null, "NULL_FIELD", "column 'qid' is null"));
  }

  @Test
  void anInputColumnNamedPromptIdGivesThePromptIdUnlessAnotherColumnIsConfigured() throws IOException {
    addRow("a", "Same question?", "Yes.").put("prompt_id", 12);
    addRow("b", "Same question?", "No.").put("prompt_id", 13);
    Path input = writeInput();
    Path output = temp.resolve("out");

    run(config(input, output));

    Map<String, String> schema = DuckDb.schema(ScoreOutput.glob(output, "scored"));
    assertThat(schema).containsEntry("prompt_id", "VARCHAR");
    assertThat(schema.keySet()).containsSubsequence("n", "prompt_id", "reward");
    assertThat(read(output, "scored")).extracting(row -> row.get("id"), row -> row.get("prompt_id"))
        .containsExactlyInAnyOrder(tuple("a", "12"), tuple("b", "13"));
    assertThatThrownBy(() -> run(config(input, temp.resolve("other"), "input.column.prompt-id", "n")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot score input " + input + ": it already has a column named 'prompt_id', which the output"
            + " adds; rename or drop it first");
  }

  @Test
  void tokenLevelColumnsAreLeftOutWhenTurnedOff() throws IOException {
    addRow("a", "Hi?", "Hello.");
    Path output = temp.resolve("out");

    run(config(writeInput(), output, "output.token-level", "false"));

    Map<String, String> schema = DuckDb.schema(ScoreOutput.glob(output, "scored"));
    assertThat(schema).containsKeys("id", "prompt", "response", "source", "n", "prompt_id", "reward", "reward_mean",
        "logprob",
        "logprob_mean", "value_prompt", "num_prompt_tokens", "num_response_tokens", "prompt_truncated");
    assertThat(schema).doesNotContainKeys("response_token_ids", "token_rewards", "token_logprobs",
        "prompt_token_ids", "reject_reason", "reject_detail");
  }

  @Test
  void errorIfExistsRefusesAnExistingOutputBeforeAnyJob() throws IOException, TimeoutException {
    addRow("a", "Hi?", "Hello.");
    Path output = Files.createDirectories(temp.resolve("out"));
    try (JobRecorder jobs = JobRecorder.start(spark)) {
      assertThatThrownBy(() -> run(config(writeInput(), output)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("Cannot write to " + output + ": it already exists");
      assertThat(jobs.anyScoreJobStarted()).isFalse();
    }
    try (var files = Files.list(output)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void tokenCountsComeFromTheOutputAndTheAttemptsWorkFromTheScorersStatistics() throws IOException {
    addRow("a", "Hi?", "Hello.");
    addRow("b", "Hey", "Hi");
    Path output = temp.resolve("out");

    RunSummary summary = run(config(writeInput(), output, "job.partitions", "1"));

    assertThat(summary.promptTokens()).isEqualTo(3 + 3);
    assertThat(summary.responseTokens()).isEqualTo(6 + 2);
    assertThat(summary.lastAttempt().paddedTokens()).isEqualTo(2 * 9 - (9 + 5)); // one batch padded to the 9-token row
    assertThat(summary.lastAttempt().tokensComputed()).isEqualTo(3 + 3 + 6 + 2);
    assertThat(summary.lastAttempt().modelLoads()).isZero();
  }
}

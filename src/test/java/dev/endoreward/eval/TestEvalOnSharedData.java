package dev.endoreward.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.endoreward.spark.config.ScoreConfigBuilder;
import dev.endoreward.testing.DuckDb;
import dev.endoreward.testing.SharedFixtures;
import dev.endoreward.testing.SparkTestBase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code eval} on the real preference data of {@code ../shared/preference} with the real stories260K model,
 * checked against an independent computation: DuckDB reads the score output's Parquet and the SQL below
 * pairs each record's chosen and rejected responses itself. The first records of each file keep it quick;
 * a short {@code length.max} makes {@code score} reject some of them, so exclusions are exercised too.
 */
class TestEvalOnSharedData extends SparkTestBase {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int LIMIT = 12;
  private static final String MAX_LENGTH = "200";

  @TempDir
  Path dir;

  private JsonNode eval(String format, String input, String score) throws IOException {
    List<String> settings = new ArrayList<>(List.of("model.path=" + SharedFixtures.storiesArtefact(),
        "input.path=" + input, "output.path=" + dir.resolve("out"), "eval.format=" + format,
        "eval.limit=" + LIMIT, "eval.score=" + score, "length.max=" + MAX_LENGTH, "job.progress=false"));
    EvalConfig config = new ScoreConfigBuilder().withAssignments(settings).build(EvalConfig::fromMap);
    EvalJob.run(spark, config);
    assertThat(dir.resolve("out/_SUCCESS")).exists();
    assertThat(dir.resolve("out/accuracy.md")).content().contains("## Subsets");
    return JSON.readTree(dir.resolve("out/accuracy.json").toFile());
  }

  /** Per subset: comparisons made, correct, ties, and records with a rejected response, by DuckDB. */
  private Map<String, Map<String, Object>> independent(String column) {
    String scored = dir.resolve("out/scored-pairs/scored") + "/*/*/*.parquet";
    String rejected = dir.resolve("out/scored-pairs/rejected") + "/*/*/*.parquet";
    List<Map<String, Object>> rows = DuckDb.query("""
        WITH s AS (SELECT record_id, subset, side, %1$s AS score FROM read_parquet('%2$s')),
        r AS (SELECT DISTINCT record_id, subset FROM read_parquet('%3$s')),
        made AS (
          SELECT c.subset, count(*) AS comparisons, sum(CASE WHEN c.score > x.score THEN 1 ELSE 0 END) AS correct,
                 sum(CASE WHEN c.score = x.score THEN 1 ELSE 0 END) AS ties
          FROM s c JOIN s x ON c.record_id = x.record_id AND c.side = 'chosen' AND x.side = 'rejected'
          GROUP BY c.subset),
        excluded AS (SELECT subset, count(*) AS excluded FROM r GROUP BY subset)
        SELECT coalesce(made.subset, excluded.subset) AS subset, coalesce(comparisons, 0) AS comparisons,
               coalesce(correct, 0) AS correct, coalesce(ties, 0) AS ties, coalesce(excluded, 0) AS excluded
        FROM made FULL OUTER JOIN excluded ON made.subset = excluded.subset ORDER BY 1
        """.formatted(column, scored, rejected));
    Map<String, Map<String, Object>> bySubset = new java.util.TreeMap<>();
    rows.forEach(row -> bySubset.put((String) row.get("subset"), row));
    return bySubset;
  }

  private void assertAgrees(JsonNode accuracy, Map<String, Map<String, Object>> expected, int subsets) {
    assertThat(expected).hasSize(subsets);
    long allComparisons = 0;
    long allCorrect = 0;
    long allExcluded = 0;
    for (Map.Entry<String, Map<String, Object>> subset : expected.entrySet()) {
      JsonNode group = accuracy.get("subsets").get(subset.getKey());
      Map<String, Object> row = subset.getValue();
      long comparisons = ((Number) row.get("comparisons")).longValue();
      long correct = ((Number) row.get("correct")).longValue();
      long excluded = ((Number) row.get("excluded")).longValue();
      assertThat(group.get("records").asLong()).as(subset.getKey()).isEqualTo(LIMIT);
      assertThat(comparisons + excluded).as("each record is one comparison").isEqualTo(LIMIT);
      assertThat(group.get("comparisons").asLong()).isEqualTo(comparisons);
      assertThat(group.get("correct").asLong()).isEqualTo(correct);
      assertThat(group.get("ties").asLong()).isEqualTo(((Number) row.get("ties")).longValue());
      assertThat(group.get("excluded_comparisons").asLong()).isEqualTo(excluded);
      assertThat(group.get("accuracy").asDouble()).isCloseTo((double) correct / comparisons, within(1e-12));
      allComparisons += comparisons;
      allCorrect += correct;
      allExcluded += excluded;
    }
    JsonNode overall = accuracy.get("overall");
    assertThat(overall.get("comparisons").asLong()).isEqualTo(allComparisons);
    assertThat(overall.get("excluded_comparisons").asLong()).isEqualTo(allExcluded).isPositive();
    assertThat(overall.get("accuracy").asDouble()).isCloseTo((double) allCorrect / allComparisons, within(1e-12));
    assertThat(overall.get("rejected_responses").get("TOO_LONG").asLong()).isPositive();
  }

  @Test
  void llmBarEqualsTheScoredParquet() throws IOException {
    Path folder = SharedFixtures.sharedDir().resolve("preference/llmbar");

    JsonNode accuracy = eval("llmbar", folder.toString(), "reward");

    assertAgrees(accuracy, independent("reward"), 3);
    assertThat(accuracy.get("files").fieldNames()).toIterable().containsExactly("LLMBar_Adversarial_GPTInst.json",
        "LLMBar_Adversarial_Neighbor.json", "LLMBar_Natural.json");
    // The chosen response is output_<label>, as the file says; the rejected one the other output.
    JsonNode natural = JSON.readTree(folder.resolve("LLMBar_Natural.json").toFile());
    for (int i = 0; i < LIMIT; i++) {
      JsonNode record = natural.get(i);
      String better = record.get("output_" + record.get("label").asInt()).asText();
      String worse = record.get("output_" + (3 - record.get("label").asInt())).asText();
      List<Map<String, Object>> rows = DuckDb.query("SELECT side, messages[-1].content AS response,"
          + " messages[1].content AS prompt FROM read_parquet('" + dir.resolve("out/pairs") + "/*.parquet')"
          + " WHERE record_id = 'LLMBar_Natural.json/" + i + "' ORDER BY side");
      assertThat(rows).extracting(row -> row.get("response")).containsExactly(better, worse);
      assertThat(rows.get(0).get("prompt")).isEqualTo(record.get("input").asText());
    }
  }

  @Test
  void hhRlhfEqualsTheScoredParquetOnAnotherScore() throws IOException {
    Path file = SharedFixtures.sharedDir().resolve("preference/hh-rlhf/harmless-base-test.jsonl.gz");

    JsonNode accuracy = eval("hh-rlhf", file.toString(), "logprob-mean");

    assertAgrees(accuracy, independent("logprob_mean"), 1);
    assertThat(accuracy.get("score").asText()).isEqualTo("logprob_mean");
    // Every response is a conversation of alternating turns that ends with the assistant's.
    List<Map<String, Object>> roles = DuckDb.query("SELECT DISTINCT messages[1].role AS first,"
        + " messages[-1].role AS last FROM read_parquet('" + dir.resolve("out/pairs") + "/*.parquet')");
    assertThat(roles).containsExactly(Map.of("first", "user", "last", "assistant"));
    assertThat(Files.readString(dir.resolve("out/accuracy.md"))).contains("| harmless-base-test |");
  }
}

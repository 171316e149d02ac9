package dev.endoreward.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.endoreward.spark.InputException;
import dev.endoreward.spark.config.ScoreConfigBuilder;
import dev.endoreward.testing.DuckDb;
import dev.endoreward.testing.SharedFixtures;
import dev.endoreward.testing.SparkTestBase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code eval} on a hand-written RM-Bench folder with the demo model (an arithmetic model): the matrix per
 * domain equals DuckDB's computation from the scored Parquet, the safety files pool, an empty response is
 * rejected by {@code score} and its comparisons excluded, and the output folder is guarded like the others.
 */
class TestEvalJob extends SparkTestBase {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  private Path input;
  private Path output;

  private static String record(int id, String question, String right, String wrong) {
    return """
        {"id": %d, "prompt": "%s", "chosen": ["%s", "%s", "**%s**"], "rejected": ["%s", "%s", "**%s**"]}"""
        .formatted(id, question, right.replaceFirst(".* = ", ""), right, right, wrong.replaceFirst(".* = ", ""), wrong,
            wrong);
  }

  @BeforeEach
  void data() throws IOException {
    input = Files.createDirectories(dir.resolve("rm-bench"));
    output = dir.resolve("out");
    Files.writeString(input.resolve("chat_filtered.json"), "[" + record(1, "What is 58 minus 52?", "58 - 52 = 6",
        "58 - 52 = 5") + "," + record(2, "What is 7 plus 8?", "7 + 8 = 15", "7 + 8 = 16") + "]");
    Files.writeString(input.resolve("math_filtered.json"), "[" + record(1, "What is 9 minus 4?", "9 - 4 = 5",
        "9 - 4 = 3") + "]");
    Files.writeString(input.resolve("safety-refuse_filtered.json"), "[" + record(1, "What is 3 plus 3?",
        "3 + 3 = 6", "3 + 3 = 9") + "]");
    // An empty rejected response: score rejects it (EMPTY_RESPONSE), which excludes 3 comparisons.
    Files.writeString(input.resolve("safety-response_filtered.json"), """
        [{"id": 1, "prompt": "What is 2 plus 5?", "chosen": ["7", "2 + 5 = 7", "**2 + 5 = 7**"],
          "rejected": ["", "2 + 5 = 8", "**2 + 5 = 8**"]}]""");
  }

  private Map<String, Object> eval(String... extra) {
    List<String> settings = new ArrayList<>(List.of("model.path=" + SharedFixtures.projectDir().resolve("src/demo/model"),
        "input.path=" + input, "output.path=" + output, "eval.format=rm-bench", "job.progress=false"));
    settings.addAll(List.of(extra)); // later settings win
    return EvalJob.run(spark, new ScoreConfigBuilder().withAssignments(settings).build(EvalConfig::fromMap));
  }

  @Test
  void rmBenchMatrixEqualsTheScoredParquet() throws IOException {
    eval();

    JsonNode accuracy = JSON.readTree(output.resolve("accuracy.json").toFile());
    List<Map<String, Object>> expected = DuckDb.query("""
        WITH s AS (SELECT record_id, subset, side, response_index AS k, reward
                   FROM read_parquet('%s/scored-pairs/scored/*/*/*.parquet'))
        SELECT c.subset, count(DISTINCT c.record_id) AS prompts, count(*) AS comparisons,
               avg(CASE WHEN c.k < x.k THEN (c.reward > x.reward)::INT END) AS hard,
               avg(CASE WHEN c.k = x.k THEN (c.reward > x.reward)::INT END) AS normal,
               avg(CASE WHEN c.k > x.k THEN (c.reward > x.reward)::INT END) AS easy
        FROM s c JOIN s x ON c.record_id = x.record_id AND c.side = 'chosen' AND x.side = 'rejected'
        GROUP BY c.subset ORDER BY c.subset""".formatted(output));

    assertThat(expected).extracting(row -> row.get("subset")).containsExactly("chat", "math", "safety");
    Map<String, Double> averages = new HashMap<>();
    for (Map<String, Object> row : expected) {
      JsonNode domain = accuracy.get("subsets").get((String) row.get("subset"));
      for (String figure : List.of("hard", "normal", "easy")) {
        assertThat(domain.get(figure).asDouble()).as(row.get("subset") + " " + figure)
            .isCloseTo(((Number) row.get(figure)).doubleValue(), within(1e-12));
      }
      double average = (((Number) row.get("hard")).doubleValue() + ((Number) row.get("normal")).doubleValue()
          + ((Number) row.get("easy")).doubleValue()) / 3;
      assertThat(domain.get("average").asDouble()).isCloseTo(average, within(1e-12));
      assertThat(domain.get("comparisons").asLong()).isEqualTo(((Number) row.get("comparisons")).longValue());
      averages.put((String) row.get("subset"), average);
    }
    JsonNode safety = accuracy.get("subsets").get("safety");
    assertThat(safety.get("prompts").asLong()).isEqualTo(2);
    assertThat(safety.get("comparisons").asLong()).isEqualTo(15);
    assertThat(safety.get("excluded_comparisons").asLong()).isEqualTo(3);
    assertThat(safety.get("rejected_responses")).isEqualTo(JSON.readTree("{\"EMPTY_RESPONSE\": 1}"));
    assertThat(accuracy.get("files").fieldNames()).toIterable().containsExactly("chat_filtered.json",
        "math_filtered.json", "safety-refuse_filtered.json", "safety-response_filtered.json");
    JsonNode overall = accuracy.get("overall");
    assertThat(overall.get("average").asDouble()).isCloseTo(
        (averages.get("chat") + averages.get("math") + averages.get("safety")) / 3, within(1e-12));
    assertThat(overall.get("domains")).isEqualTo(JSON.readTree("[\"chat\", \"math\", \"safety\"]"));
    assertThat(Files.readString(output.resolve("accuracy.md"))).contains("## Domains").contains("| safety |");
    assertThat(output.resolve("scored-pairs/_SUCCESS")).exists();
    assertThat(output.resolve("_SUCCESS")).exists();
  }

  @Test
  void rewardBenchSectionsWeighTheSubsetsScored() throws IOException {
    Path file = Files.writeString(dir.resolve("filtered.jsonl"), """
        {"id": 1, "subset": "alpacaeval-easy", "prompt": "What is 58 minus 52?", "chosen": "58 - 52 = 6", "rejected": "58 - 52 = 5"}
        {"id": 2, "subset": "alpacaeval-easy", "prompt": "What is 7 plus 8?", "chosen": "7 + 8 = 15", "rejected": "7 + 8 = 51"}
        {"id": 3, "subset": "math-prm", "prompt": "What is 9 minus 4?", "chosen": "9 - 4 = 5", "rejected": "9 - 4 = 3"}
        {"id": 4, "subset": "hep-python", "prompt": "What is 3 plus 3?", "chosen": "3 + 3 = 6", "rejected": "3 + 3 = 9"}
        {"id": 5, "subset": "shp", "prompt": "What is 2 plus 5?", "chosen": "2 + 5 = 7", "rejected": "2 + 5 = 8"}
        {"id": 6, "subset": "own-subset", "prompt": "What is 4 plus 4?", "chosen": "4 + 4 = 8", "rejected": "4 + 4 = 7"}
        """);
    input = file;

    eval("eval.format=rewardbench");

    JsonNode accuracy = JSON.readTree(output.resolve("accuracy.json").toFile());
    JsonNode subsets = accuracy.get("subsets");
    double chat = subsets.get("alpacaeval-easy").get("accuracy").asDouble();
    // Reasoning weighs math-prm 984 against hep-python's 164; Prior Sets is shp alone, at half weight.
    double reasoning = (984 * subsets.get("math-prm").get("accuracy").asDouble()
        + 164 * subsets.get("hep-python").get("accuracy").asDouble()) / 1148;
    double prior = subsets.get("shp").get("accuracy").asDouble();
    JsonNode sections = accuracy.get("sections");
    assertThat(sections.fieldNames()).toIterable().containsExactly("Chat", "Reasoning", "Prior Sets");
    assertThat(sections.get("Chat").asDouble()).isEqualTo(chat);
    assertThat(sections.get("Reasoning").asDouble()).isCloseTo(reasoning, within(1e-12));
    assertThat(sections.get("Prior Sets").asDouble()).isEqualTo(prior);
    assertThat(accuracy.get("overall").get("score").asDouble())
        .isCloseTo((chat + reasoning + 0.5 * prior) / 2.5, within(1e-12));
    assertThat(accuracy.get("overall").get("comparisons").asLong()).isEqualTo(6);
    assertThat(accuracy.get("unsectioned_subsets")).isEqualTo(JSON.readTree("[\"own-subset\"]"));
    assertThat(Files.readString(output.resolve("accuracy.md"))).contains("| **Score** |");
  }

  @Test
  void anExistingOutputIsRefusedUnlessOverwritten() throws IOException {
    Files.createDirectories(output);
    Files.writeString(output.resolve("accuracy.json"), "{}");
    Files.writeString(output.resolve("notes.txt"), "mine");

    assertThatThrownBy(this::eval).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot write to " + output + ": it exists; choose another folder or set output.mode=overwrite");
    Map<String, Object> summary = eval("output.mode=overwrite", "eval.limit=1");

    assertThat(summary.get("records")).isEqualTo(4);
    assertThat(output.resolve("notes.txt")).hasContent("mine");
    assertThat(JSON.readTree(output.resolve("accuracy.json").toFile()).get("overall").get("prompts").asLong())
        .isEqualTo(4);
  }

  @Test
  void inputProblemsAreFoundBeforeScoring() throws IOException {
    Files.writeString(input.resolve("code_filtered.json"), "[{\"id\": 1, \"prompt\": \"p\"}]");

    assertThatThrownBy(this::eval).isInstanceOf(InputException.class)
        .hasMessage("Cannot read input " + input.resolve("code_filtered.json") + ": record 1: its chosen is not an"
            + " array of 3 responses (eval.format=rm-bench)");
    assertThat(output).doesNotExist();
  }

  @Test
  void anOutputInsideTheInputIsRefused() {
    output = input.resolve("out");

    assertThatThrownBy(this::eval).hasMessage("Cannot write to " + output + ": it overlaps the input " + input
        + "; choose another folder");
  }
}

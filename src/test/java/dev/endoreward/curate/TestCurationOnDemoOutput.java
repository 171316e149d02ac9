package dev.endoreward.curate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.endoreward.spark.ScoreJob;
import dev.endoreward.spark.config.ScoreConfig;
import dev.endoreward.spark.config.ScoreConfigBuilder;
import dev.endoreward.testing.ArithmeticAnswers;
import dev.endoreward.testing.DuckDb;
import dev.endoreward.testing.ScoreOutput;
import dev.endoreward.testing.SharedFixtures;
import dev.endoreward.testing.SparkTestBase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The quickstart, as the README runs it: {@code score} with the demo model over the bundled sample, then every
 * curation command on that real output, each checked against DuckDB's own computation over the scored
 * Parquet. The outputs stay in {@code target/curation-demo/}, where the Python tests load them with TRL,
 * Hugging Face {@code datasets}, pandas, Polars and DuckDB, beside the score output of the sample chats, which
 * have no prompt id column ({@code score-messages}).
 */
class TestCurationOnDemoOutput extends SparkTestBase {
  private static final Path FOLDER = SharedFixtures.projectDir().resolve("target/curation-demo");
  private static final Path SCORE = FOLDER.resolve("score");
  /** The README's sentence with the best-of-n figure, which this test recomputes. */
  private static final Pattern README_BEST_OF_N = Pattern.compile(
      "best-of-n's answer is correct for (\\d+) of (\\d+) questions \\(([\\d.]+)%\\), against ([\\d.]+)% for a"
          + " random pick");
  /** The README's sentence with the pairwise figure. */
  private static final Pattern README_PAIRWISE = Pattern.compile(
      "the correct answer has the higher reward in (\\d+) of (\\d+) same-prompt pairs of a correct and a wrong answer");
  private static final String SCORED = "(SELECT * FROM read_parquet('" + ScoreOutput.glob(SCORE, "scored") + "'))";

  @BeforeAll
  static void scoreTheSampleThenCurateIt() {
    Map<String, String> values = new HashMap<>();
    values.put("model.path", SharedFixtures.projectDir().resolve("src/demo/model").toString());
    values.put("input.path", SharedFixtures.projectDir().resolve("src/demo/sample/pairs.jsonl").toString());
    values.put("output.path", SCORE.toString());
    values.put("output.mode", "overwrite");
    values.put("output.prompt-token-ids", "true");
    values.put("job.progress", "false");
    ScoreJob.run(spark, ScoreConfig.fromMap(values));
    // The chats have no prompt id column: their prompt_id is the hash the Python tests recompute.
    values.putAll(Map.of("input.path", SharedFixtures.projectDir().resolve("src/demo/sample/messages.jsonl").toString(),
        "output.path", FOLDER.resolve("score-messages").toString(), "input.column.messages", "messages",
        "input.column.prompt", "", "input.column.response", ""));
    ScoreJob.run(spark, ScoreConfig.fromMap(values));

    FilterJob.run(spark, config(FilterConfig::fromMap, "filter", "filter.normalise=z-score", "filter.top-fraction=0.5"));
    BestOfNJob.run(spark, config(BestOfNConfig::fromMap, "best-of-n", "best-of-n.k=1"));
    BestOfNJob.run(spark, config(BestOfNConfig::fromMap, "best-of-n-messages", "best-of-n.format=conversational"));
    PairsJob.run(spark, config(PairsConfig::fromMap, "pairs"));
    PairsJob.run(spark, config(PairsConfig::fromMap, "pairs-all", "pairs.mode=all", "pairs.min-margin=1"));
    OfflineRlJob.run(spark, config(OfflineRlConfig::fromMap, "offline-rl"));
  }

  private static <T> T config(Function<Map<String, String>, T> parser, String output, String... assignments) {
    List<String> all = new ArrayList<>(List.of("input.path=" + SCORE, "output.path=" + FOLDER.resolve(output),
        "output.mode=overwrite"));
    all.addAll(List.of(assignments));
    return new ScoreConfigBuilder().withAssignments(all).build(parser);
  }

  private static String written(String output) {
    return "read_parquet('" + FOLDER.resolve(output) + "/parquet/*.parquet')";
  }

  /** README.md with each run of whitespace as one space, so that its sentences read whole across line breaks. */
  private static String readme() throws IOException {
    return Files.readString(SharedFixtures.projectDir().resolve("README.md")).replaceAll("\\s+", " ");
  }

  /** The scored rows ranked within their prompt: 1 for the best (higher reward, fewer tokens, smaller id). */
  private static String ranked() {
    return "(SELECT *, row_number() OVER (PARTITION BY prompt_id ORDER BY reward DESC, num_response_tokens, id) AS best,"
        + " row_number() OVER (PARTITION BY prompt_id ORDER BY reward, num_response_tokens DESC, id DESC) AS worst,"
        + " count(*) OVER (PARTITION BY prompt_id) AS n FROM " + SCORED + ")";
  }

  @Test
  void bestOfNKeepsEachPromptsHighestRewardAsDuckDbRanksThem() {
    List<Map<String, Object>> expected = DuckDb.query("SELECT prompt_id, id, prompt, response AS completion, reward"
        + " FROM " + ranked() + " WHERE best = 1 ORDER BY prompt_id");
    List<Map<String, Object>> actual = DuckDb.query("SELECT prompt_id, id, prompt, completion, score, rank FROM "
        + written("best-of-n") + " ORDER BY prompt_id");
    assertThat(actual).hasSameSizeAs(expected).hasSizeGreaterThan(20);
    for (int i = 0; i < expected.size(); i++) {
      Map<String, Object> want = expected.get(i);
      Map<String, Object> got = actual.get(i);
      for (String column : List.of("prompt_id", "id", "prompt", "completion")) {
        assertThat(got.get(column)).as(column).isEqualTo(want.get(column));
      }
      assertThat((double) got.get("score")).isEqualTo((double) (float) want.get("reward"));
      assertThat(got.get("rank")).isEqualTo(1);
    }
  }

  @Test
  void bestOfNPicksCorrectAnswersAtTheRateTheReadmeReports() throws IOException {
    Map<String, String> completion = new HashMap<>();
    DuckDb.query("SELECT prompt_id, completion FROM " + written("best-of-n"))
        .forEach(row -> completion.put((String) row.get("prompt_id"), (String) row.get("completion")));
    Map<String, int[]> correctOfAll = new HashMap<>();
    for (Map<String, Object> row : DuckDb.query("SELECT prompt_id, response FROM " + SCORED)) {
      int[] counts = correctOfAll.computeIfAbsent((String) row.get("prompt_id"), p -> new int[2]);
      counts[0] += ArithmeticAnswers.isCorrect((String) row.get("response")) ? 1 : 0;
      counts[1]++;
    }
    // Only questions with a correct answer and a wrong one among their candidates test the pick.
    List<String> questions = correctOfAll.entrySet().stream()
        .filter(e -> e.getValue()[0] > 0 && e.getValue()[0] < e.getValue()[1]).map(Map.Entry::getKey).toList();
    long correct = questions.stream().filter(q -> ArithmeticAnswers.isCorrect(completion.get(q))).count();
    double random = questions.stream().mapToDouble(q -> (double) correctOfAll.get(q)[0] / correctOfAll.get(q)[1])
        .average().orElseThrow();

    Matcher readme = README_BEST_OF_N.matcher(readme());
    assertThat(readme.find()).as("the README states the best-of-n figure, here %d of %d questions (%.1f%%), against"
        + " %.1f%% for a random pick", correct, questions.size(), 100.0 * correct / questions.size(), 100 * random)
        .isTrue();
    assertThat(correct).isEqualTo(Long.parseLong(readme.group(1)));
    assertThat(questions).hasSize(Integer.parseInt(readme.group(2)));
    assertThat(100.0 * correct / questions.size()).isCloseTo(Double.parseDouble(readme.group(3)), within(0.05));
    assertThat(100.0 * random).isCloseTo(Double.parseDouble(readme.group(4)), within(0.05));
    assertThat((double) correct / questions.size()).isGreaterThan(random);

    // Pairwise: in how many same-prompt (correct, wrong) pairs the correct answer has the higher reward.
    Map<String, List<Map<String, Object>>> byPrompt = new HashMap<>();
    DuckDb.query("SELECT prompt_id, response, reward FROM " + SCORED)
        .forEach(row -> byPrompt.computeIfAbsent((String) row.get("prompt_id"), p -> new ArrayList<>()).add(row));
    long pairs = 0;
    long won = 0;
    for (List<Map<String, Object>> rows : byPrompt.values()) {
      for (Map<String, Object> right : rows) {
        for (Map<String, Object> wrong : rows) {
          if (ArithmeticAnswers.isCorrect((String) right.get("response")) && !ArithmeticAnswers.isCorrect((String) wrong.get("response"))) {
            pairs++;
            won += (float) right.get("reward") > (float) wrong.get("reward") ? 1 : 0;
          }
        }
      }
    }
    Matcher pairwise = README_PAIRWISE.matcher(readme());
    assertThat(pairwise.find()).as("the README states the pairwise figure, here %d of %d", won, pairs).isTrue();
    assertThat(won).isEqualTo(Long.parseLong(pairwise.group(1)));
    assertThat(pairs).isEqualTo(Long.parseLong(pairwise.group(2)));
  }

  @Test
  void bestWorstPairsMatchDuckDbsBestAndWorstPerPrompt() {
    List<Map<String, Object>> expected = DuckDb.query("SELECT b.prompt, b.response AS chosen,"
        + " w.response AS rejected, b.reward AS chosen_reward, w.reward AS rejected_reward"
        + " FROM " + ranked() + " b JOIN " + ranked() + " w ON b.prompt_id = w.prompt_id AND w.worst = 1"
        + " WHERE b.best = 1 AND b.reward > w.reward ORDER BY b.prompt, b.response");
    List<Map<String, Object>> actual = DuckDb.query("SELECT * FROM " + written("pairs") + " ORDER BY prompt, chosen");
    assertThat(actual).hasSameSizeAs(expected).hasSizeGreaterThan(20);
    for (int i = 0; i < expected.size(); i++) {
      Map<String, Object> want = expected.get(i);
      Map<String, Object> got = actual.get(i);
      assertThat(got.keySet()).containsExactly("prompt", "chosen", "rejected", "chosen_reward", "rejected_reward",
          "margin");
      for (String column : List.of("prompt", "chosen", "rejected")) {
        assertThat(got.get(column)).as(column).isEqualTo(want.get(column));
      }
      double chosen = (float) want.get("chosen_reward");
      double rejected = (float) want.get("rejected_reward");
      assertThat((double) got.get("chosen_reward")).isEqualTo(chosen);
      assertThat((double) got.get("rejected_reward")).isEqualTo(rejected);
      assertThat((double) got.get("margin")).isCloseTo(chosen - rejected, within(1e-9));
    }
    // Pairs of all prompts: every same-prompt pair with a margin of at least 1, at most 4 per prompt.
    Map<String, Object> counts = DuckDb.query("SELECT count(*) AS pairs, min(margin) AS smallest FROM "
        + written("pairs-all")).get(0);
    long widePairs = DuckDb.query("SELECT sum(least(4, k)) AS pairs FROM (SELECT count(*) AS k FROM " + SCORED
        + " a JOIN " + SCORED + " b ON a.prompt_id = b.prompt_id"
        + " AND CAST(a.reward AS DOUBLE) - CAST(b.reward AS DOUBLE) >= 1 GROUP BY a.prompt_id)")
        .stream().mapToLong(row -> ((Number) row.get("pairs")).longValue()).sum();
    assertThat(((Number) counts.get("pairs")).longValue()).isEqualTo(widePairs);
    assertThat((double) counts.get("smallest")).isGreaterThanOrEqualTo(1.0);
  }

  @Test
  void filterKeepsTheTopHalfOfPerPromptZScoresAsDuckDbComputesThem() {
    String zScores = "(SELECT id, (reward_mean - avg(reward_mean) OVER p) / stddev_pop(reward_mean) OVER p AS z,"
        + " count(*) OVER p AS n FROM " + SCORED + " WINDOW p AS (PARTITION BY prompt_id))";
    String defined = "(SELECT * FROM " + zScores + " WHERE n > 1 AND z IS NOT NULL AND isfinite(z))";
    long rows = ((Number) DuckDb.query("SELECT count(*) AS n FROM " + defined).get(0).get("n")).longValue();
    double cut = (double) DuckDb.query("SELECT z FROM " + defined + " ORDER BY z DESC LIMIT 1 OFFSET "
        + ((long) Math.ceil(0.5 * rows) - 1)).get(0).get("z");
    List<Object> expected = DuckDb.query("SELECT id FROM " + defined + " WHERE z >= " + cut + " - 1e-9 ORDER BY id")
        .stream().map(row -> row.get("id")).toList();
    List<Object> actual = DuckDb.query("SELECT id FROM " + written("filter") + " ORDER BY id").stream()
        .map(row -> row.get("id")).toList();
    assertThat(actual).isNotEmpty().isEqualTo(expected);
  }

  @Test
  void offlineRlRowsAreTheScoredTokensWithReturnsAndPerPromptAdvantages() {
    List<Map<String, Object>> mismatches = DuckDb.query("SELECT r.id FROM " + written("offline-rl") + " r JOIN "
        + SCORED + " s ON r.id = s.id"
        + " WHERE r.input_ids <> list_concat(s.prompt_token_ids, s.response_token_ids)"
        + " OR len(r.action_mask) <> len(r.input_ids) OR list_sum(r.action_mask) <> s.num_response_tokens"
        + " OR abs(r.returns[1] - list_sum(s.token_rewards)) > 1e-3 * greatest(1, abs(list_sum(s.token_rewards)))"
        + " OR r.behaviour_logprobs <> s.token_logprobs OR NOT r.terminal");
    assertThat(mismatches).isEmpty();
    long rows = ((Number) DuckDb.query("SELECT count(*) AS n FROM " + written("offline-rl")).get(0).get("n")).longValue();
    assertThat(rows).isEqualTo(200);
    // With the prompt-mean baseline, each prompt's advantages sum to 0.
    double largest = (double) DuckDb.query("SELECT max(abs(total)) AS largest FROM (SELECT sum(advantage) AS total FROM "
        + written("offline-rl") + " GROUP BY prompt_id)").get(0).get("largest");
    assertThat(largest).isLessThan(1e-3);
  }
}

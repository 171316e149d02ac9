package dev.endoreward.curate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.endoreward.spark.config.ScoreConfigBuilder;
import dev.endoreward.testing.DuckDb;
import dev.endoreward.testing.SparkTestBase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The curation jobs on a hand-built score output whose answers are worked out below, by hand:
 *
 * <pre>
 * prompt  id  reward  response tokens
 * p1      a    3.0    5
 * p1      b    1.0    3
 * p1      c    3.0    4     tied with a on reward, one token shorter
 * p1      d   -1.0    2
 * p2      e    2.0    3     the prompt's only response
 * p3      f    2.0    3     f and g tie on everything but the id
 * p3      g    2.0    3
 * p4      h, i  rejected by score: in rejected/ only
 * </pre>
 */
class TestCurationJobs extends SparkTestBase {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  private Path input;
  private Path output;

  static HandBuiltScoreOutput corpus() {
    return new HandBuiltScoreOutput()
        .scored("a", "p1", "A", 1, 1, 1, 0, 0)
        .scored("b", "p1", "B", 0.5f, 0.5f, 0)
        .scored("c", "p1", "C", 1, 1, 1, 0)
        .scored("d", "p1", "D", -0.5f, -0.5f)
        .scored("e", "p2", "E", 1, 1, 0)
        .scored("f", "p3", "F", 1, 0.5f, 0.5f)
        .scored("g", "p3", "G", 0.5f, 0.5f, 1)
        .rejected("h", "p4", "TOO_LONG")
        .rejected("i", "p4", "EMPTY_RESPONSE");
  }

  @BeforeEach
  void paths() {
    input = dir.resolve("scored-output");
    output = dir.resolve("curated");
  }

  private static <T> T config(java.util.function.Function<Map<String, String>, T> parser, Path in, Path out,
      String... assignments) {
    List<String> all = new ArrayList<>(List.of("input.path=" + in, "output.path=" + out));
    all.addAll(List.of(assignments));
    return new ScoreConfigBuilder().withAssignments(all).build(parser);
  }

  private Map<String, Object> filter(String... assignments) {
    corpus().write(spark, input);
    return FilterJob.run(spark, config(FilterConfig::fromMap, input, output, assignments));
  }

  private List<String> keptIds() {
    return DuckDb.query("SELECT id FROM read_parquet('" + output + "/parquet/*.parquet') ORDER BY id").stream()
        .map(row -> (String) row.get("id")).toList();
  }

  private JsonNode report() throws IOException {
    return JSON.readTree(output.resolve("report.json").toFile());
  }

  private List<JsonNode> jsonLines() throws IOException {
    List<JsonNode> rows = new ArrayList<>();
    try (Stream<Path> files = Files.list(output.resolve("jsonl"))) {
      for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList()) {
        for (String line : Files.readAllLines(file)) {
          rows.add(JSON.readTree(line));
        }
      }
    }
    return rows;
  }

  @Test
  void filterKeepsRowsAtOrAboveTheThresholdAndCountsTheRest() throws IOException {
    filter("filter.score=reward", "filter.threshold=2");

    assertThat(keptIds()).containsExactly("a", "c", "e", "f", "g");
    JsonNode report = report();
    assertThat(report.get("rows_in").asLong()).isEqualTo(7);
    assertThat(report.get("rows_kept").asLong()).isEqualTo(5);
    assertThat(report.at("/rows_dropped/below_threshold").asLong()).isEqualTo(2);
    assertThat(report.get("score_rejected_rows").asLong()).isEqualTo(2);
    assertThat(output.resolve("_SUCCESS")).exists();
  }

  @Test
  void filterTopFractionAfterMeanDifferenceKeepsTiesAtTheCut() throws IOException {
    // p1's mean is 1.5: a +1.5, b -0.5, c +1.5, d -2.5; p3: f 0, g 0; p2 has one response (undefined).
    // Six rows remain; the top half is ceil(0.5 * 6) = 3 rows, the third highest is 0, and f and g tie there.
    filter("filter.score=reward", "filter.normalise=mean-difference", "filter.top-fraction=0.5");

    assertThat(keptIds()).containsExactly("a", "c", "f", "g");
    JsonNode report = report();
    assertThat(report.get("cut").asDouble()).isEqualTo(0.0);
    assertThat(report.at("/rows_dropped/undefined_normalised_score").asLong()).isEqualTo(1);
    assertThat(report.at("/rows_dropped/below_threshold").asLong()).isEqualTo(2);
    assertThat(DuckDb.query("SELECT filter_score FROM read_parquet('" + output + "/parquet/*.parquet') WHERE id = 'a'"))
        .containsExactly(Map.of("filter_score", 1.5));
  }

  @Test
  void filterByRankGivesTiesHalfAndBoundsResponseTokens() throws IOException {
    // Ranks in p1: a and c beat b and d and tie with each other: (2 + 0.5) / 3; b beats d: 1/3; d 0.
    // p3's two equal responses are 0.5 each. Then a (5 tokens) is over the bound of 4, d (2) under 3.
    filter("filter.score=reward", "filter.normalise=rank", "filter.threshold=0.5", "filter.min-response-tokens=3",
        "filter.max-response-tokens=4");

    assertThat(keptIds()).containsExactly("c", "f", "g");
    JsonNode dropped = report().get("rows_dropped");
    assertThat(dropped.get("response_tokens_above_max").asLong()).isEqualTo(1);
    assertThat(dropped.get("response_tokens_below_min").asLong()).isEqualTo(1);
    assertThat(dropped.get("undefined_normalised_score").asLong()).isEqualTo(1);
    assertThat(dropped.get("below_threshold").asLong()).isEqualTo(1);
  }

  @Test
  void filterZScoreLeavesPromptsWithoutSpreadUndefined() throws IOException {
    // p1: mean 1.5, population sd sqrt((2.25 + 0.25 + 2.25 + 6.25) / 4) = sqrt(2.75); p3 has sd 0, p2 one row.
    filter("filter.score=reward", "filter.normalise=z-score", "filter.threshold=0");

    assertThat(keptIds()).containsExactly("a", "c");
    assertThat(report().at("/rows_dropped/undefined_normalised_score").asLong()).isEqualTo(3);
    double z = (Double) DuckDb.query("SELECT filter_score FROM read_parquet('" + output
        + "/parquet/*.parquet') WHERE id = 'c'").get(0).get("filter_score");
    assertThat(z).isCloseTo(1.5 / Math.sqrt(2.75), org.assertj.core.data.Offset.offset(1e-12));
  }

  @Test
  void filterApproximateTopFractionStatesItsError() throws IOException {
    filter("filter.score=reward", "filter.top-fraction=0.2", "filter.quantile=approximate",
        "filter.quantile-error=0.01");

    // Seven rows, rank error under 0.07 of a row: the cut is the exact one, the ceil(0.2 * 7) = 2nd highest, 3.0.
    assertThat(keptIds()).containsExactly("a", "c");
    assertThat(report().get("quantile_relative_error").asDouble()).isEqualTo(0.01);
  }

  @Test
  void filterExactTopFractionCountsInDecimal() throws IOException {
    // ceil(0.3 * 7) = ceil(2.1) = 3: the third highest is 2.0, held by e, f and g, all kept.
    filter("filter.score=reward", "filter.top-fraction=0.3");

    assertThat(keptIds()).containsExactly("a", "c", "e", "f", "g");
    assertThat(report().get("cut").asDouble()).isEqualTo(2.0);
  }

  @Test
  void bestOfNKeepsTheTopKWithTheDocumentedTieBreak() throws IOException {
    corpus().write(spark, input);
    Map<String, Object> report = BestOfNJob.run(spark, config(BestOfNConfig::fromMap, input, output, "best-of-n.k=2"));

    List<Map<String, Object>> rows = DuckDb.query("SELECT prompt, completion, prompt_id, id, rank, score FROM"
        + " read_parquet('" + output + "/parquet/*.parquet') ORDER BY prompt_id, rank");
    // c beats a on length, f beats g on id; p2 has only e; p4 has no scored response.
    assertThat(rows).extracting(row -> row.get("id")).containsExactly("c", "a", "e", "f", "g");
    assertThat(rows.get(0)).containsEntry("prompt", "question p1").containsEntry("completion", "C")
        .containsEntry("rank", 1).containsEntry("score", 3.0);
    assertThat(jsonLines()).extracting(row -> row.get("completion").asText()).containsExactly("C", "A", "E", "F", "G");
    assertThat(report).containsEntry("prompts", 3L).containsEntry("prompts_with_fewer_than_k", 1L)
        .containsEntry("rows_written", 5L).containsEntry("score_rejected_rows", 2L);
    assertThat(output.resolve("_SUCCESS")).exists();
  }

  @Test
  void bestOfNWritesConversationsWithTheRunsSystemPrompt() throws IOException {
    corpus().config("input.system-prompt", "Be brief.").write(spark, input);
    BestOfNJob.run(spark, config(BestOfNConfig::fromMap, input, output, "best-of-n.format=conversational"));

    List<JsonNode> rows = jsonLines();
    assertThat(rows).hasSize(3);
    assertThat(rows.get(0).get("messages").toString()).isEqualTo("[{\"role\":\"system\",\"content\":\"Be brief.\"},"
        + "{\"role\":\"user\",\"content\":\"question p1\"},{\"role\":\"assistant\",\"content\":\"C\"}]");
  }

  @Test
  void bestOfNRefusesStringsWhenTheRunHadASystemPrompt() {
    corpus().config("input.system-prompt", "Be brief.").write(spark, input);

    assertThatThrownBy(() -> BestOfNJob.run(spark, config(BestOfNConfig::fromMap, input, output)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot write best-of-n.format=standard: the score run read system prompts, which only the"
            + " conversational form carries; set best-of-n.format=conversational");
    assertThat(output).doesNotExist();
  }

  @Test
  void pairsBestAgainstWorstCountPromptsWithoutAPair() throws IOException {
    corpus().write(spark, input);
    Map<String, Object> report = PairsJob.run(spark, config(PairsConfig::fromMap, input, output));

    List<Map<String, Object>> rows = DuckDb.query("SELECT * FROM read_parquet('" + output + "/parquet/*.parquet')");
    assertThat(rows).containsExactly(Map.of("prompt", "question p1", "chosen", "C", "rejected", "D",
        "chosen_reward", 3.0, "rejected_reward", -1.0, "margin", 4.0));
    assertThat(DuckDb.schema(output + "/parquet/*.parquet").keySet())
        .containsExactly("prompt", "chosen", "rejected", "chosen_reward", "rejected_reward", "margin");
    assertThat(report).containsEntry("pairs", 1L).containsEntry("prompts", 3L).containsEntry("prompts_with_pairs", 1L)
        .containsEntry("prompts_without_pair", Map.of("single_response", 1L, "all_scores_equal", 1L,
            "no_margin_wide_enough", 0L));
    assertThat(jsonLines()).hasSize(1);
  }

  @Test
  void pairsAllTakesTheWidestMarginsFirstUpToTheCap() {
    // p1 in order c, a, b, d; margins of at least 2: c-d 4, a-d 4, c-b 2, a-b 2, b-d 2. The cap keeps c-d, a-d.
    corpus().write(spark, input);
    PairsJob.run(spark, config(PairsConfig::fromMap, input, output, "pairs.mode=all", "pairs.min-margin=2",
        "pairs.max-per-prompt=2"));

    List<Map<String, Object>> rows = DuckDb.query("SELECT chosen, rejected, margin FROM read_parquet('" + output
        + "/parquet/*.parquet')");
    assertThat(rows).containsExactly(Map.of("chosen", "C", "rejected", "D", "margin", 4.0),
        Map.of("chosen", "A", "rejected", "D", "margin", 4.0));
  }

  @Test
  void pairsWithATooWideMinimumMarginCountThePrompt() {
    corpus().write(spark, input);
    Map<String, Object> report = PairsJob.run(spark, config(PairsConfig::fromMap, input, output,
        "pairs.min-margin=5"));

    assertThat(report).containsEntry("pairs", 0L).containsEntry("prompts_without_pair",
        Map.of("single_response", 1L, "all_scores_equal", 1L, "no_margin_wide_enough", 1L));
    assertThat(DuckDb.query("SELECT count(*) AS n FROM read_parquet('" + output + "/parquet/*.parquet')"))
        .containsExactly(Map.of("n", 0L));
  }

  @Test
  void pairsConversationalHoldPromptTurnsAndOneAssistantMessage() throws IOException {
    corpus().write(spark, input);
    PairsJob.run(spark, config(PairsConfig::fromMap, input, output, "pairs.format=conversational"));

    JsonNode pair = jsonLines().get(0);
    assertThat(pair.get("prompt").toString()).isEqualTo("[{\"role\":\"user\",\"content\":\"question p1\"}]");
    assertThat(pair.get("chosen").toString()).isEqualTo("[{\"role\":\"assistant\",\"content\":\"C\"}]");
    assertThat(pair.get("rejected").toString()).isEqualTo("[{\"role\":\"assistant\",\"content\":\"D\"}]");
  }

  @Test
  void incompleteInputIsRefusedBeforeAnyOutput() {
    corpus().incomplete().write(spark, input);

    assertThatThrownBy(() -> BestOfNJob.run(spark, config(BestOfNConfig::fromMap, input, output)))
        .hasMessage("Cannot select the best of n from " + input + ": it is not a complete score output (no _SUCCESS);"
            + " finish its run first (jobs/score.sh ... --resume)");
    assertThat(output).doesNotExist();
  }

  @Test
  void inputWithoutPromptIdsIsRefused() {
    corpus().withoutPromptIds().write(spark, input);

    assertThatThrownBy(() -> PairsJob.run(spark, config(PairsConfig::fromMap, input, output)))
        .hasMessage("Cannot build pairs from " + input + ": its scored rows have no prompt_id column; score the input"
            + " again with this version, which writes it");
  }

  @Test
  void existingOutputIsRefusedUnlessOverwritten() throws IOException {
    corpus().write(spark, input);
    Files.createDirectories(output);
    Files.writeString(output.resolve("old.txt"), "x");

    assertThatThrownBy(() -> FilterJob.run(spark, config(FilterConfig::fromMap, input, output)))
        .hasMessage("Cannot write to " + output + ": it exists; choose another folder or set output.mode=overwrite");

    FilterJob.run(spark, config(FilterConfig::fromMap, input, output, "output.mode=overwrite"));
    FilterJob.run(spark, config(FilterConfig::fromMap, input, output, "output.mode=overwrite", "filter.score=reward",
        "filter.threshold=3"));
    assertThat(keptIds()).containsExactly("a", "c");
    assertThat(output.resolve("old.txt")).exists();
  }

  @Test
  void offlineRlFollowsTheReadmesWorkedExample() {
    new HandBuiltScoreOutput().scored("x", "q", "X", 1, 2).scored("y", "q", "Y", 0.5f).write(spark, input);
    OfflineRlJob.run(spark, new ScoreConfigBuilder().withAssignments(List.of("input.path=" + input,
        "output.path=" + output, "offline-rl.discount=0.5")).build(OfflineRlConfig::fromMap));

    List<Map<String, Object>> rows = DuckDb.query("SELECT id, input_ids, action_mask, rewards, returns, baseline,"
        + " advantage, terminal FROM read_parquet('" + output + "/parquet/*.parquet') ORDER BY id");
    assertThat(rows.get(0)).containsEntry("input_ids", List.of(1, 7, 100, 101))
        .containsEntry("action_mask", List.of(0, 0, 1, 1)).containsEntry("rewards", List.of(1.0f, 2.0f))
        .containsEntry("returns", List.of(2.0f, 2.0f)).containsEntry("baseline", 1.25f)
        .containsEntry("advantage", 0.75f).containsEntry("terminal", true);
    assertThat(rows.get(1)).containsEntry("input_ids", List.of(1, 7, 100)).containsEntry("returns", List.of(0.5f))
        .containsEntry("advantage", -0.75f);
  }

  @Test
  void offlineRlNeedsThePromptTokenIds() {
    corpus().withoutPromptTokenIds().write(spark, input);

    assertThatThrownBy(() -> OfflineRlJob.run(spark, config(OfflineRlConfig::fromMap, input, output)))
        .hasMessage("Cannot build offline-RL data from " + input + ": its scored rows have no prompt_token_ids column;"
            + " score with --set output.prompt-token-ids=true");
  }
}

package dev.endoreward.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.endoreward.eval.EvalConfig;
import dev.endoreward.eval.EvalJob;
import dev.endoreward.spark.ScoreJob;
import dev.endoreward.spark.config.ScoreConfig;
import dev.endoreward.spark.config.ScoreConfigBuilder;
import dev.endoreward.testing.DuckDb;
import dev.endoreward.testing.HeadlessChromium;
import dev.endoreward.testing.ScoreOutput;
import dev.endoreward.testing.SharedFixtures;
import dev.endoreward.testing.SparkTestBase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code report} on the quickstart's score output (the demo model over the bundled sample) and on an
 * {@code eval} of a small RM-Bench folder, opened in headless Chromium with no network: its figures equal
 * DuckDB's own over the Parquet, it makes no request and logs no error, and its screenshots go to
 * {@code target/report-demo/}. The score and eval outputs stay there too, for the notebooks that the Python
 * tests execute next.
 */
class TestReportInChromium extends SparkTestBase {
  private static final Path FOLDER = SharedFixtures.projectDir().resolve("target/report-demo");
  private static final Path SCORE = FOLDER.resolve("score");
  private static final Path EVAL = FOLDER.resolve("eval");
  private static final Path PAGE = FOLDER.resolve("report.html");
  private static final String SCORED = "read_parquet('" + ScoreOutput.glob(SCORE, "scored") + "')";
  private static final String MODEL = SharedFixtures.projectDir().resolve("src/demo/model").toString();

  private static HeadlessChromium chromium;
  private static Map<String, Object> written;

  @TempDir
  Path dir;

  private static String record(int id, String question, String right, String wrong) {
    return """
        {"id": %d, "prompt": "%s", "chosen": ["%s", "%s", "**%s**"], "rejected": ["%s", "%s", "**%s**"]}"""
        .formatted(id, question, right.replaceFirst(".* = ", ""), right, right, wrong.replaceFirst(".* = ", ""), wrong,
            wrong);
  }

  @BeforeAll
  static void scoreEvaluateAndReport() throws Exception {
    Map<String, String> values = new HashMap<>(Map.of("model.path", MODEL,
        "input.path", SharedFixtures.projectDir().resolve("src/demo/sample/pairs.jsonl").toString(),
        "output.path", SCORE.toString(), "output.mode", "overwrite", "job.progress", "false"));
    ScoreJob.run(spark, ScoreConfig.fromMap(values));

    Path rmBench = Files.createDirectories(FOLDER.resolve("rm-bench"));
    Files.writeString(rmBench.resolve("chat_filtered.json"), "[" + record(1, "What is 58 minus 52?", "58 - 52 = 6",
        "58 - 52 = 5") + "," + record(2, "What is 7 plus 8?", "7 + 8 = 15", "7 + 8 = 16") + "]");
    Files.writeString(rmBench.resolve("math_filtered.json"), "[" + record(1, "What is 9 times 4?", "9 * 4 = 36",
        "9 * 4 = 32") + "," + record(2, "What is 12 plus 30?", "12 + 30 = 42", "12 + 30 = 24") + "]");
    EvalJob.run(spark, new ScoreConfigBuilder().withAssignments(List.of("model.path=" + MODEL,
        "input.path=" + rmBench, "output.path=" + EVAL, "output.mode=overwrite", "eval.format=rm-bench",
        "job.progress=false")).build(EvalConfig::fromMap));

    written = ReportJob.run(spark, new ScoreConfigBuilder().withAssignments(List.of("input.path=" + SCORE,
        "output.path=" + PAGE, "output.mode=overwrite", "report.eval=" + EVAL)).build(ReportConfig::fromMap));
    chromium = HeadlessChromium.start(1100, 1400);
    chromium.open(PAGE);
  }

  @AfterAll
  static void closeChromium() throws IOException {
    if (chromium != null) {
      chromium.close();
    }
  }

  private static JsonNode dom(String expression) {
    return chromium.evaluate(expression);
  }

  private static long scalar(String sql) {
    return ((Number) DuckDb.query(sql).get(0).values().iterator().next()).longValue();
  }

  @Test
  void countsEqualTheParquet() {
    assertThat(dom("document.getElementById('rows-scored').textContent").asLong())
        .isEqualTo(scalar("SELECT count(*) FROM " + SCORED)).isEqualTo(200);
    assertThat(dom("document.getElementById('rows-rejected').textContent").asLong())
        .isEqualTo(scalar("SELECT count(*) FROM read_parquet('" + ScoreOutput.glob(SCORE, "rejected") + "')"))
        .isEqualTo(3);
    assertThat(dom("document.getElementById('prompts').textContent").asLong()).isEqualTo(scalar(
        "SELECT count(*) FROM (SELECT prompt_id FROM " + SCORED + " GROUP BY prompt_id HAVING count(*) >= 2)"));
    // Every row is plotted (200 is under report.scatter-rows), and every histogram counts every row.
    assertThat(dom("document.querySelectorAll('#scatter circle').length").asInt()).isEqualTo(200);
    for (String histogram : List.of("hist-reward", "hist-reward-mean", "hist-logprob-mean")) {
      assertThat(dom("[...document.querySelectorAll('#" + histogram + " .bar')].reduce((s, b) => s + Number("
          + "b.dataset.count), 0)").asLong()).as(histogram).isEqualTo(200);
    }
    assertThat(dom("document.querySelector('#rejects tr[data-reason=\"TOO_LONG\"] td:last-child').textContent")
        .asLong()).isEqualTo(scalar("SELECT count(*) FROM read_parquet('" + ScoreOutput.glob(SCORE, "rejected")
            + "') WHERE reject_reason = 'TOO_LONG'"));
  }

  @Test
  void topAndBottomExamplesAreDuckDbsAndTheirHeatmapsHoldTheTokenRewards() {
    Map<String, Object> best = DuckDb.query("SELECT id, token_rewards[1] AS first, token_rewards[-1] AS last,"
        + " response, len(token_rewards) AS n FROM " + SCORED + " ORDER BY reward DESC, id LIMIT 1").get(0);
    Map<String, Object> worst = DuckDb.query("SELECT id FROM " + SCORED + " ORDER BY reward, id LIMIT 1").get(0);
    assertThat(dom("document.querySelector('.example.top').dataset.id").asText()).isEqualTo(best.get("id"));
    assertThat(dom("document.querySelector('.example.bottom').dataset.id").asText()).isEqualTo(worst.get("id"));
    String cells = "document.querySelectorAll('.example.top')[0].querySelectorAll('.tok')";
    assertThat(dom(cells + ".length").asInt()).isEqualTo(((Number) best.get("n")).intValue());
    assertThat(Float.parseFloat(dom(cells + "[0].dataset.reward").asText())).isEqualTo((Float) best.get("first"));
    assertThat(Float.parseFloat(dom(cells + "[" + cells + ".length - 1].dataset.reward").asText()))
        .isEqualTo((Float) best.get("last"));
    // The demo tokenizer is character-level: the decoded tokens spell the response, then the end of the turn.
    assertThat(dom("[..." + cells + "].map(t => t.textContent).join('')").asText())
        .startsWith((String) best.get("response"));
    assertThat(dom("document.querySelectorAll('.example').length").asInt()).isEqualTo(10);
  }

  @Test
  void hoveringATokenShowsItsValues() {
    String reward = dom("document.querySelector('.tok').dataset.reward").asText();
    dom("document.querySelector('.tok').dispatchEvent(new MouseEvent('mouseover', {bubbles: true})), 0");
    assertThat(dom("document.getElementById('tok-info').textContent").asText()).contains("reward " + reward);
  }

  @Test
  void evalTablesAndTheRmBenchMatrixEqualTheEvalOutput() {
    String scored = "read_parquet('" + EVAL.resolve("scored-pairs/scored") + "/*/*/*.parquet')";
    List<Map<String, Object>> cells = DuckDb.query("WITH s AS (SELECT record_id, side, response_index AS k, reward"
        + " FROM " + scored + ") SELECT c.k AS i, x.k AS j, count(*) AS n, sum((c.reward > x.reward)::INT) AS wins"
        + " FROM s c JOIN s x ON c.record_id = x.record_id AND c.side = 'chosen' AND x.side = 'rejected'"
        + " GROUP BY ALL ORDER BY i, j");
    assertThat(cells).hasSize(9);
    for (Map<String, Object> cell : cells) {
      String td = "document.querySelector('table.matrix[data-domain=\"all\"] td[data-i=\"" + cell.get("i")
          + "\"][data-j=\"" + cell.get("j") + "\"]')";
      assertThat(dom(td + ".dataset.comparisons").asLong()).isEqualTo(((Number) cell.get("n")).longValue()).isEqualTo(4);
      assertThat(dom(td + ".dataset.wins").asLong()).isEqualTo(((Number) cell.get("wins")).longValue());
    }
    // 4 prompts (2 chat, 2 math) of 3 diagonal comparisons each; overall is the mean of the two domains'.
    double normal = scalar("SELECT count(*) FROM " + scored + " c JOIN " + scored + " x ON c.record_id = x.record_id"
        + " AND c.side = 'chosen' AND x.side = 'rejected' AND c.response_index = x.response_index"
        + " WHERE c.reward > x.reward") / 12.0;
    assertThat(dom("document.querySelector('#eval-subsets tr[data-group=\"chat\"] td[data-figure=\"normal\"]')"
        + ".dataset.value").asDouble()).isEqualTo(scalar("SELECT count(*) FROM " + scored + " c JOIN " + scored
            + " x ON c.record_id = x.record_id AND c.side = 'chosen' AND x.side = 'rejected' AND c.response_index"
            + " = x.response_index AND c.subset = 'chat' WHERE c.reward > x.reward") / 6.0);
    assertThat(dom("document.querySelector('#eval-overall td[data-figure=\"normal\"]').dataset.value").asDouble())
        .isCloseTo(normal, within(1e-12));
  }

  @Test
  void thePageLoadsNothingLogsNoErrorAndStaysUnderItsBound() throws IOException {
    assertThat(chromium.errors()).isEmpty();
    assertThat(chromium.requests()).containsOnly(PAGE.toUri().toString());
    long size = Files.size(PAGE);
    assertThat(written.get("bytes")).isEqualTo((int) size);
    assertThat(size).isLessThanOrEqualTo((Long) written.get("max_bytes"));
    chromium.screenshot(FOLDER.resolve("report.png"));
    dom("document.getElementById('examples').scrollIntoView(), 0");
    chromium.screenshot(FOLDER.resolve("report-heatmaps.png"));
    assertThat(Files.size(FOLDER.resolve("report.png"))).isGreaterThan(10_000);
  }

  @Test
  void theCheckerSeesConsoleErrorsAndNetworkRequests() throws Exception {
    Path page = dir.resolve("broken.html");
    Files.writeString(page, "<!DOCTYPE html><html><body><img src=\"http://example.invalid/x.png\">"
        + "<script>console.error('broken'); undefinedFunction();</script></body></html>");
    try (HeadlessChromium other = HeadlessChromium.start(400, 300)) {
      other.open(page);
      assertThat(other.errors()).anyMatch(e -> e.contains("console.error") && e.contains("broken"))
          .anyMatch(e -> e.startsWith("exception:") && e.contains("undefinedFunction"));
      assertThat(other.requests()).contains("http://example.invalid/x.png");
    }
  }
}

package dev.endoreward.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The benchmarks' scoring on hand-built cases, every expected value worked out by hand in the comments. */
class TestAccuracyMaths {
  private static final double EXACT = 1e-12;

  @Test
  void onlyAStrictlyHigherChosenScoreIsCorrect() {
    assertThat(Verdict.of(1.0, 0.5)).isEqualTo(Verdict.CORRECT);
    assertThat(Verdict.of(0.5, 0.5)).isEqualTo(Verdict.TIE);
    assertThat(Verdict.of(-0.0, 0.0)).isEqualTo(Verdict.TIE);
    assertThat(Verdict.of(0.4, 0.5)).isEqualTo(Verdict.WRONG);
    assertThat(Verdict.of(Double.NEGATIVE_INFINITY, -1e300)).isEqualTo(Verdict.WRONG);
    assertThatThrownBy(() -> Verdict.of(Double.NaN, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aTieCountsWrongAndIsReportedOnItsOwn() {
    // 2 correct, 1 tie, 1 wrong, 1 excluded: accuracy 2/4.
    Tally tally = Tally.EMPTY.with(Verdict.CORRECT).with(Verdict.TIE).with(Verdict.CORRECT).with(Verdict.WRONG)
        .withExcluded();

    assertThat(tally).isEqualTo(new Tally(4, 2, 1, 1));
    assertThat(tally.accuracy()).isEqualTo(0.5);
    assertThat(Tally.EMPTY.accuracy()).isNaN();
    assertThat(Tally.EMPTY.wilson95()).isNull();
  }

  @Test
  void wilsonIntervalMatchesTheTextbookValues() {
    // 8 of 10: p = 0.8, z = 1.959964; centre = (0.8 + z²/20) / (1 + z²/10) = 0.716741,
    // half width = z / (1 + z²/10) * sqrt(0.016 + z²/400) = 0.226577.
    assertThat(new Tally(10, 8, 0, 0).wilson95()).containsExactly(new double[] {0.4901625, 0.9433178}, within(1e-6));
    // 0 of 5: the interval starts at 0 and ends at z²/(n + z²) = 3.841459 / 8.841459 = 0.434482.
    assertThat(new Tally(5, 0, 0, 0).wilson95()).containsExactly(new double[] {0, 0.4344825}, within(1e-6));
    // 5 of 5: the mirror image.
    assertThat(new Tally(5, 5, 0, 0).wilson95()).containsExactly(new double[] {0.5655175, 1}, within(1e-6));
  }

  @Test
  void rmBenchMatrixSplitsIntoHardNormalAndEasy() {
    // chosen = [3, 1, 2], rejected = [2.5, 0.5, 2]; M[i][j] = chosen i beats rejected j:
    //   i=0: 1 1 1
    //   i=1: 0 1 0
    //   i=2: 0 1 0   (M[2][2] is a tie: 2 against 2)
    // hard (i<j): M01 M02 M12 = 1 1 0 -> 2/3; normal: M00 M11 M22 = 1 1 0 -> 2/3 with one tie;
    // easy (i>j): M10 M20 M21 = 0 0 1 -> 1/3; average (2/3 + 2/3 + 1/3) / 3 = 5/9.
    Triangles matrix = Triangles.of(new Double[] {3.0, 1.0, 2.0}, new Double[] {2.5, 0.5, 2.0});

    assertThat(matrix.hard()).isEqualTo(new Tally(3, 2, 0, 0));
    assertThat(matrix.normal()).isEqualTo(new Tally(3, 2, 1, 0));
    assertThat(matrix.easy()).isEqualTo(new Tally(3, 1, 0, 0));
    assertThat(matrix.average()).isCloseTo(5.0 / 9, within(EXACT));
    assertThat(matrix.prompts()).isEqualTo(1);
  }

  @Test
  void anUnscoredResponseExcludesItsComparisonsOnly() {
    // As above without rejected response 1 (column j=1 goes): hard M02 M12 = 1 0 -> 1/2,
    // normal M00 M22 = 1 0 -> 1/2 (the tie stays), easy M10 M20 = 0 0 -> 0; one excluded in each.
    Triangles matrix = Triangles.of(new Double[] {3.0, 1.0, 2.0}, new Double[] {2.5, null, 2.0});

    assertThat(matrix.hard()).isEqualTo(new Tally(2, 1, 0, 1));
    assertThat(matrix.normal()).isEqualTo(new Tally(2, 1, 1, 1));
    assertThat(matrix.easy()).isEqualTo(new Tally(2, 0, 0, 1));
    assertThat(matrix.average()).isCloseTo(1.0 / 3, within(EXACT));
  }

  @Test
  void promptsPoolTheirComparisons() {
    // A second prompt whose chosen responses all win: hard 3/3, normal 3/3, easy 3/3. Pooled with the
    // first: hard 5/6, normal 5/6, easy 4/6; average (5/6 + 5/6 + 4/6) / 3 = 7/9.
    Triangles first = Triangles.of(new Double[] {3.0, 1.0, 2.0}, new Double[] {2.5, 0.5, 2.0});
    Triangles second = Triangles.of(new Double[] {9.0, 9.0, 9.0}, new Double[] {0.0, 0.0, 0.0});

    Triangles both = first.plus(second);

    assertThat(both.prompts()).isEqualTo(2);
    assertThat(both.hard().accuracy()).isCloseTo(5.0 / 6, within(EXACT));
    assertThat(both.easy().accuracy()).isCloseTo(4.0 / 6, within(EXACT));
    assertThat(both.average()).isCloseTo(7.0 / 9, within(EXACT));
    assertThat(both.all()).isEqualTo(new Tally(18, 14, 1, 0));
  }

  @Test
  void rewardBenchWeighsSubsetsByItsExampleCounts() {
    Map<String, Double> accuracy = new LinkedHashMap<>();
    accuracy.put("alpacaeval-easy", 1.0);   // weight 100
    accuracy.put("mt-bench-easy", 0.5);     // weight 28
    accuracy.put("math-prm", 0.5);          // weight 984
    accuracy.put("hep-python", 1.0);        // weight 164
    accuracy.put("shp", 0.6);
    accuracy.put("summarize", 0.8);
    accuracy.put("own-subset", 0.0);        // in no section
    accuracy.put("donotanswer", Double.NaN); // nothing compared: as if absent

    Map<String, Double> sections = RewardBenchSections.scores(accuracy);

    // Chat (100 * 1 + 28 * 0.5) / 128 = 0.890625; Reasoning (984 * 0.5 + 164 * 1) / 1148 = 4/7;
    // Prior Sets (0.6 + 0.8) / 2 = 0.7; no Chat Hard, no Safety.
    assertThat(sections.keySet()).containsExactly("Chat", "Reasoning", "Prior Sets");
    assertThat(sections.get("Chat")).isCloseTo(0.890625, within(EXACT));
    assertThat(sections.get("Reasoning")).isCloseTo(4.0 / 7, within(EXACT));
    assertThat(sections.get("Prior Sets")).isCloseTo(0.7, within(EXACT));
    // (0.890625 + 4/7 + 0.5 * 0.7) / 2.5
    assertThat(RewardBenchSections.overall(sections)).isCloseTo((0.890625 + 4.0 / 7 + 0.35) / 2.5, within(EXACT));
    assertThat(RewardBenchSections.isSectioned("own-subset")).isFalse();
    assertThat(RewardBenchSections.overall(Map.of())).isNaN();
  }

  @Test
  void reportCountsRejectedResponsesAndExcludesTheirComparisons() {
    List<Turn> prompt = List.of(Turn.user("q"));
    List<PreferenceRecord> records = List.of(
        PreferenceRecord.single("f.json/0", "f.json", "a", prompt, "good", "bad"),
        PreferenceRecord.single("f.json/1", "f.json", "a", prompt, "same", "same"),
        PreferenceRecord.single("f.json/2", "f.json", "b", prompt, "long", "bad"),
        PreferenceRecord.single("f.json/3", "f.json", "b", prompt, "worse", "better"));
    Map<String, Double> scores = Map.of("f.json/0/chosen/0", 2.0, "f.json/0/rejected/0", 1.0,
        "f.json/1/chosen/0", 1.5, "f.json/1/rejected/0", 1.5, "f.json/2/rejected/0", 0.0,
        "f.json/3/chosen/0", -1.0, "f.json/3/rejected/0", 1.0);
    Map<String, String> rejections = Map.of("f.json/2/chosen/0", "TOO_LONG");

    Map<String, Object> json = AccuracyReport.of(PreferenceFormat.LLMBAR, records, scores, rejections)
        .toJson("in", EvalScore.REWARD, List.of());

    // a: one win, one tie -> 1/2; b: record 2 excluded, record 3 lost -> 0/1; overall 1/3.
    Map<?, ?> a = (Map<?, ?>) ((Map<?, ?>) json.get("subsets")).get("a");
    Map<?, ?> b = (Map<?, ?>) ((Map<?, ?>) json.get("subsets")).get("b");
    Map<?, ?> overall = (Map<?, ?>) json.get("overall");
    assertThat(a.get("accuracy")).isEqualTo(0.5);
    assertThat(a.get("ties")).isEqualTo(1L);
    assertThat(b.get("accuracy")).isEqualTo(0.0);
    assertThat(b.get("excluded_comparisons")).isEqualTo(1L);
    assertThat(b.get("rejected_responses")).isEqualTo(Map.of("TOO_LONG", 1L));
    assertThat((double) overall.get("accuracy")).isCloseTo(1.0 / 3, within(EXACT));
    assertThat(overall.get("comparisons")).isEqualTo(3L);
    assertThat(AccuracyReport.toMarkdown(json)).contains("| a | 50.0% |").contains("| b | 0.0% |");
  }

  @Test
  void aResponseMissingFromTheScoreOutputIsABrokenInvariant() {
    List<PreferenceRecord> records = List.of(PreferenceRecord.single("f/0", "f", "a", List.of(), "x", "y"));

    assertThatThrownBy(() -> AccuracyReport.of(PreferenceFormat.LLMBAR, records, Map.of("f/0/chosen/0", 1.0),
        Map.of())).isInstanceOf(IllegalStateException.class)
        .hasMessage("Cannot evaluate response f/0/rejected/0: it is neither scored nor rejected in the score output");
  }
}

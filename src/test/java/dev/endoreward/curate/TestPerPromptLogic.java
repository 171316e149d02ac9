package dev.endoreward.curate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Spark-free per-prompt logic: order, normalisation, pairing and returns, on values worked out by hand. */
class TestPerPromptLogic {
  private static Candidate candidate(String id, double score, int tokens, int index) {
    return new Candidate(id, score, tokens, index);
  }

  @Test
  void bestFirstBreaksTiesByLengthThenId() {
    List<Candidate> candidates = new ArrayList<>(List.of(candidate("b", 1, 3, 0), candidate("a", 1, 3, 1),
        candidate("c", 1, 2, 2), candidate("d", 2, 9, 3)));
    candidates.sort(Candidate.BEST_FIRST);

    assertThat(candidates).extracting(Candidate::id).containsExactly("d", "c", "a", "b");
  }

  @Test
  void normalisationsOfOnePrompt() {
    double[] scores = {4, 2, 2, 0};
    // mean 2, population sd sqrt((4 + 0 + 0 + 4) / 4) = sqrt(2)
    assertThat(Normalisation.MEAN_DIFFERENCE.apply(scores)).containsExactly(2, 0, 0, -2);
    assertThat(Normalisation.Z_SCORE.apply(scores))
        .containsExactly(2 / Math.sqrt(2), 0, 0, -2 / Math.sqrt(2));
    assertThat(Normalisation.RANK.apply(scores)).containsExactly(1, 1.5 / 3, 1.5 / 3, 0);
    assertThat(Normalisation.NONE.apply(scores)).containsExactly(4, 2, 2, 0);
  }

  @Test
  void normalisationIsUndefinedWithoutComparison() {
    assertThat(Normalisation.RANK.apply(new double[] {3})).containsExactly(Double.NaN);
    assertThat(Normalisation.Z_SCORE.apply(new double[] {3, 3})).containsExactly(Double.NaN, Double.NaN);
    assertThat(Normalisation.RANK.apply(new double[] {3, 3})).containsExactly(0.5, 0.5);
    assertThat(Normalisation.NONE.apply(new double[] {3})).containsExactly(3);
  }

  @Test
  void pairsNeverTieAndRespectTheMargin() {
    List<Candidate> responses = List.of(candidate("a", 1, 1, 0), candidate("b", 3, 1, 1), candidate("c", 3, 2, 2),
        candidate("d", 0, 1, 3));

    assertThat(new PreferencePairs(PairMode.BEST_WORST, 0, 1).of(responses))
        .containsExactly(new PreferencePairs.Pair(1, 3, 3.0));
    // b and c tie (no pair); margins >= 1: b-d 3, c-d 3, b-a 2, c-a 2, a-d 1.
    assertThat(new PreferencePairs(PairMode.ALL, 1, 10).of(responses)).containsExactly(
        new PreferencePairs.Pair(1, 3, 3.0), new PreferencePairs.Pair(2, 3, 3.0), new PreferencePairs.Pair(1, 0, 2.0),
        new PreferencePairs.Pair(2, 0, 2.0), new PreferencePairs.Pair(0, 3, 1.0));
    assertThat(new PreferencePairs(PairMode.ALL, 2.5, 10).of(responses)).hasSize(2);
    assertThat(new PreferencePairs(PairMode.BEST_WORST, 0, 1).of(List.of(candidate("a", 1, 1, 0),
        candidate("b", 1, 1, 1)))).isEmpty();
    assertThat(new PreferencePairs(PairMode.BEST_WORST, 0, 1).of(List.of(candidate("a", 1, 1, 0)))).isEmpty();
  }

  @Test
  void returnsToGoDiscountFromTheEnd() {
    assertThat(ReturnsToGo.of(new float[] {1, 2, 4}, 0.5)).containsExactly(3f, 4f, 4f);
    assertThat(ReturnsToGo.of(new float[] {1, 2, 4}, 1)).containsExactly(7f, 6f, 4f);
    assertThat(ReturnsToGo.of(new float[] {1, 2, 4}, 0)).containsExactly(1f, 2f, 4f);
    assertThat(ReturnsToGo.of(new float[0], 0.9)).isEmpty();
  }
}

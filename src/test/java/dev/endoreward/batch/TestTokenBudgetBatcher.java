package dev.endoreward.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TestTokenBudgetBatcher {

  @Test
  void everyRowLandsInExactlyOneBatchWithinTheBudget() {
    Random random = new Random(11);
    for (int trial = 0; trial < 50; trial++) {
      int[] lengths = random.ints(1 + random.nextInt(300), 1, 200).toArray();
      TokenBudget budget = new TokenBudget(200 + random.nextInt(2000), 1 + random.nextInt(40), true);
      List<int[]> batches = TokenBudgetBatcher.plan(lengths, budget);

      List<Integer> seen = new ArrayList<>();
      for (int[] batch : batches) {
        assertThat(batch.length).isBetween(1, budget.maxRowsPerBatch());
        assertThat(TokenBudgetBatcher.paddedSize(batch, lengths)).isLessThanOrEqualTo(budget.maxTokensPerBatch());
        for (int index : batch) {
          seen.add(index);
        }
      }
      assertThat(seen).containsExactlyInAnyOrderElementsOf(
          java.util.stream.IntStream.range(0, lengths.length).boxed().toList());
    }
  }

  @Test
  void sortingGroupsSimilarLengths() {
    int[] lengths = {10, 100, 10, 100, 10, 100};
    List<int[]> sorted = TokenBudgetBatcher.plan(lengths, new TokenBudget(10_000, 3, true));
    assertThat(sorted).hasSize(2);
    assertThat(sorted.get(0)).containsExactlyInAnyOrder(1, 3, 5);
    assertThat(sorted.get(1)).containsExactlyInAnyOrder(0, 2, 4);

    List<int[]> unsorted = TokenBudgetBatcher.plan(lengths, new TokenBudget(10_000, 3, false));
    assertThat(unsorted.get(0)).containsExactly(0, 1, 2);
    // 2 batches x 3 rows x width 100 against 300 + 30
    long paddedUnsorted = unsorted.stream().mapToLong(b -> TokenBudgetBatcher.paddedSize(b, lengths)).sum();
    long paddedSorted = sorted.stream().mapToLong(b -> TokenBudgetBatcher.paddedSize(b, lengths)).sum();
    assertThat(paddedUnsorted).isEqualTo(600);
    assertThat(paddedSorted).isEqualTo(330);
  }

  @Test
  void lengthSortedBatchesHoldAtMostThreePercentPadding() {
    Random random = new Random(17);
    int[] lengths = random.ints(500, 5, 512).toArray();
    List<int[]> batches = TokenBudgetBatcher.plan(lengths, new TokenBudget(16_384, 64, true));
    long padded = 0;
    long real = 0;
    for (int[] batch : batches) {
      long size = TokenBudgetBatcher.paddedSize(batch, lengths);
      long batchReal = java.util.Arrays.stream(batch).mapToLong(i -> lengths[i]).sum();
      assertThat((double) (size - batchReal) / size).isLessThanOrEqualTo(0.03);
      padded += size - batchReal;
      real += batchReal;
    }
    // the unsorted plan of the same rows pads far more: the rule is what keeps padding down
    long unsortedPadded = TokenBudgetBatcher.plan(lengths, new TokenBudget(16_384, 64, false)).stream()
        .mapToLong(b -> TokenBudgetBatcher.paddedSize(b, lengths)).sum() - real;
    assertThat(padded).isLessThan(unsortedPadded / 5);
  }

  @Test
  void tokenBudgetSplitsBatches() {
    int[] lengths = {50, 50, 50, 50, 50};
    List<int[]> batches = TokenBudgetBatcher.plan(lengths, new TokenBudget(120, 100, true));
    assertThat(batches).extracting(b -> b.length).containsExactly(2, 2, 1);
  }

  @Test
  void aRowLongerThanTheBudgetGetsABatchOfItsOwn() {
    int[] lengths = {500, 20, 20};
    List<int[]> batches = TokenBudgetBatcher.plan(lengths, new TokenBudget(100, 10, true));
    assertThat(batches.get(0)).containsExactly(0);
    assertThat(batches.get(1)).containsExactlyInAnyOrder(1, 2);
  }

  @Test
  void noRowsGiveNoBatches() {
    assertThat(TokenBudgetBatcher.plan(new int[0], new TokenBudget(100, 10, true))).isEmpty();
  }

  @Test
  void budgetsMustBePositive() {
    assertThatThrownBy(() -> new TokenBudget(0, 1, true)).hasMessageStartingWith("Cannot use a token budget");
    assertThatThrownBy(() -> new TokenBudget(1, 0, true)).hasMessageStartingWith("Cannot use a row limit of 0: it must be at least 1");
  }
}

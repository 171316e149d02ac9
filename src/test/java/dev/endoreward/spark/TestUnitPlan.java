package dev.endoreward.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** How many units a run gets, and which unit an id is in, without Spark. */
class TestUnitPlan {
  @Test
  void aNewRunGetsOneUnitPerUnitRowsRoundedUpOrTheConfiguredCount() {
    assertThat(UnitPlan.of(0, 0, 20_000, 1).unitCount()).isEqualTo(1);
    assertThat(UnitPlan.of(20_000, 0, 20_000, 1).unitCount()).isEqualTo(1);
    assertThat(UnitPlan.of(20_001, 0, 20_000, 1).unitCount()).isEqualTo(2);
    assertThat(UnitPlan.of(1_000_000_000, 0, 20_000, 64).unitCount()).isEqualTo(50_000);
    assertThat(UnitPlan.of(5, 16, 20_000, 4).unitCount()).isEqualTo(16);
  }

  @Test
  void aSmallRunGetsAUnitPerTaskSlotAsFarAsItHasRows() {
    assertThat(UnitPlan.of(4_000, 0, 20_000, 2).unitCount()).isEqualTo(2);
    assertThat(UnitPlan.of(50_000, 0, 20_000, 8).unitCount()).isEqualTo(8);
    assertThat(UnitPlan.of(3, 0, 20_000, 8).unitCount()).isEqualTo(3);
    assertThat(UnitPlan.of(0, 0, 20_000, 8).unitCount()).isEqualTo(1);
    assertThat(UnitPlan.of(90_000, 0, 20_000, 2).unitCount()).isEqualTo(5);
  }

  @Test
  void tooManyUnitsAreRefused() {
    assertThatThrownBy(() -> UnitPlan.of(Long.MAX_VALUE / 2, 0, 1, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Cannot split ")
        .hasMessageEndingWith("raise job.unit-rows");
  }

  @Test
  void anIntegerIdIsInTheUnitOfItsDecimalTextAndANullIdInUnitZero() {
    UnitPlan plan = new UnitPlan(97);
    for (long id = 0; id < 1000; id++) {
      assertThat(plan.unitOf(id)).isEqualTo(plan.unitOf(Long.toString(id))).isEqualTo(plan.unitOf((int) id));
    }
    assertThat(plan.unitOf(null)).isZero();
  }

  @Test
  void idsSpreadEvenlyOverTheUnits() {
    UnitPlan plan = new UnitPlan(10);
    int[] counts = new int[10];
    for (int i = 0; i < 100_000; i++) {
      counts[plan.unitOf("row-" + i)]++;
    }
    // 10,000 expected per unit; a binomial's standard deviation here is about 95.
    assertThat(Arrays.stream(counts).boxed()).allSatisfy(count -> assertThat(count).isBetween(9_500, 10_500));
  }
}

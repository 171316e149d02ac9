package dev.endoreward.spark;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The progress line's figures. */
class TestProgressReporter {
  @Test
  void showsRowsOfTotalTokensPerSecondAndTheTimeLeft() {
    // 1,500 of 6,000 rows in 30 s: 50 rows/s, so 4,500 rows take 90 s more; 36,000 tokens in 30 s.
    assertThat(ProgressReporter.line(new ProgressCounts(1_500, 36_000), 6_000, 30))
        .isEqualTo("endoreward: 1,500 / 6,000 rows (25.0%) | 1,200 tokens/s | ETA 00:01:30");
  }

  @Test
  void hasNoTimeLeftBeforeTheFirstRow() {
    assertThat(ProgressReporter.line(ProgressCounts.NONE, 6_000, 5))
        .isEqualTo("endoreward: 0 / 6,000 rows (0.0%) | 0 tokens/s | ETA --:--:--");
  }

  @Test
  void anEmptyInputIsDone() {
    assertThat(ProgressReporter.line(ProgressCounts.NONE, 0, 0))
        .isEqualTo("endoreward: 0 / 0 rows (100.0%) | 0 tokens/s | ETA --:--:--");
  }

  @Test
  void hoursOfWorkLeft() {
    // 10 rows/s, 90,000 rows left: 9,000 s = 2 h 30 min.
    assertThat(ProgressReporter.line(new ProgressCounts(1_000, 0), 91_000, 100)).endsWith("ETA 02:30:00");
  }
}

package dev.endoreward.spark;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How running, finished, failed and duplicated task attempts add up. */
class TestTaskProgress {
  private static final int STAGE = 7;

  private final TaskProgress tasks = new TaskProgress();

  private static ProgressCounts counts(long rows, long tokens) {
    return new ProgressCounts(rows, tokens);
  }

  @Test
  void runningTasksCountWithTheirLatestHeartbeat() {
    tasks.started(1, STAGE, 0);
    tasks.started(2, STAGE, 1);
    tasks.reported(1, counts(3, 30));
    tasks.reported(2, counts(5, 50));
    tasks.reported(1, counts(4, 40));
    assertThat(tasks.total()).isEqualTo(counts(9, 90));
  }

  @Test
  void aSucceededTaskCountsItsFinalFiguresOnce() {
    tasks.started(1, STAGE, 0);
    tasks.reported(1, counts(3, 30));
    tasks.succeeded(1, STAGE, 0, counts(10, 100));
    assertThat(tasks.total()).isEqualTo(counts(10, 100));
    // A heartbeat sent before the task ended but delivered after it.
    tasks.reported(1, counts(6, 60));
    assertThat(tasks.total()).isEqualTo(counts(10, 100));
  }

  @Test
  void aFailedTaskDropsOutAndTheTotalHoldsUntilItsRetryCatchesUp() {
    tasks.started(1, STAGE, 0);
    tasks.reported(1, counts(6, 60));
    assertThat(tasks.total()).isEqualTo(counts(6, 60));
    tasks.failed(1);
    tasks.started(2, STAGE, 0);
    tasks.reported(2, counts(2, 20));
    assertThat(tasks.total()).isEqualTo(counts(6, 60));
    tasks.reported(2, counts(8, 80));
    assertThat(tasks.total()).isEqualTo(counts(8, 80));
    tasks.succeeded(2, STAGE, 0, counts(10, 100));
    assertThat(tasks.total()).isEqualTo(counts(10, 100));
  }

  @Test
  void aSpeculativeCopyCountsAsOneAttemptOfItsPartition() {
    tasks.started(1, STAGE, 0);
    tasks.started(2, STAGE, 0);
    tasks.reported(1, counts(6, 60));
    tasks.reported(2, counts(4, 40));
    assertThat(tasks.total()).isEqualTo(counts(6, 60));
    tasks.succeeded(2, STAGE, 0, counts(10, 100));
    tasks.succeeded(1, STAGE, 0, counts(10, 100));
    assertThat(tasks.total()).isEqualTo(counts(10, 100));
  }

  @Test
  void theSamePartitionOfAnotherStageIsOtherWork() {
    tasks.started(1, STAGE, 0);
    tasks.succeeded(1, STAGE, 0, counts(10, 100));
    tasks.started(2, STAGE + 1, 0);
    tasks.succeeded(2, STAGE + 1, 0, counts(5, 50));
    assertThat(tasks.total()).isEqualTo(counts(15, 150));
  }

  @Test
  void heartbeatsOfTasksNotStartedAreIgnored() {
    tasks.reported(9, counts(6, 60));
    assertThat(tasks.total()).isEqualTo(ProgressCounts.NONE);
  }
}

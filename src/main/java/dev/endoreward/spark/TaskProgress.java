package dev.endoreward.spark;

import java.util.HashMap;
import java.util.Map;

/**
 * The work of a job's tasks, running and finished, as Spark's listener events report it: a running task
 * counts with the latest figures its executor's heartbeat carried, a task that succeeded with its final
 * figures, and a task that failed or was killed not at all. Each partition of a stage counts once, however
 * often it ran: a retry or a speculative copy replaces the earlier attempt, never adds to it.
 *
 * <p>{@link #total} never goes backwards. When a failed task's rows drop out, the total holds until the
 * retry has caught up, so that the figure shown is never more than what is done nor ever shrinks.
 *
 * <p>Thread-safe: Spark's listener thread reports, the progress timer reads.
 */
final class TaskProgress {
  /** A stage's partition: the work that every attempt of one task does again. */
  private record Slot(int stageId, int partition) {}

  private record Running(Slot slot, ProgressCounts counts) {}

  private final Map<Long, Running> running = new HashMap<>();
  private final Map<Slot, ProgressCounts> succeeded = new HashMap<>();
  private ProgressCounts shown = ProgressCounts.NONE;

  /** Task {@code taskId}, computing {@code partition} of {@code stageId}, has started. */
  synchronized void started(long taskId, int stageId, int partition) {
    running.put(taskId, new Running(new Slot(stageId, partition), ProgressCounts.NONE));
  }

  /** A heartbeat's figures for a task; ignored unless the task has started and not ended. */
  synchronized void reported(long taskId, ProgressCounts counts) {
    running.computeIfPresent(taskId, (id, task) -> new Running(task.slot(), task.counts().max(counts)));
  }

  /** Task {@code taskId} succeeded with {@code counts}, which replace whatever its partition counted before. */
  synchronized void succeeded(long taskId, int stageId, int partition, ProgressCounts counts) {
    running.remove(taskId);
    succeeded.put(new Slot(stageId, partition), counts);
  }

  /** Task {@code taskId} failed or was killed: what it did is lost, and its retry starts again. */
  synchronized void failed(long taskId) {
    running.remove(taskId);
  }

  /** Work done so far: finished partitions, plus the running tasks of partitions not finished yet. */
  synchronized ProgressCounts total() {
    // Attempts of one partition running side by side (a speculative copy) count as the one furthest on.
    Map<Slot, ProgressCounts> unfinished = new HashMap<>();
    for (Running task : running.values()) {
      if (!succeeded.containsKey(task.slot())) {
        unfinished.merge(task.slot(), task.counts(), ProgressCounts::max);
      }
    }
    ProgressCounts now = ProgressCounts.NONE;
    for (ProgressCounts counts : succeeded.values()) {
      now = now.plus(counts);
    }
    for (ProgressCounts counts : unfinished.values()) {
      now = now.plus(counts);
    }
    shown = shown.max(now);
    return shown;
  }
}

package dev.endoreward.spark;

import dev.endoreward.batch.Scorer;
import java.io.Serializable;

/**
 * Opens the {@link Scorer} of one task. Serializable: Spark ships it to the executors with the tasks.
 * {@link EngineScorerFactory} scores with the exported model; tests of the job's plumbing use a fast one.
 */
@FunctionalInterface
interface ScorerFactory extends Serializable {

  /**
   * Called on the executor, once per task, when the task's first row needs scoring.
   *
   * @param metrics the job's counters; an implementation that loads a model counts it there
   */
  Scorer open(ScoreMetrics metrics);
}

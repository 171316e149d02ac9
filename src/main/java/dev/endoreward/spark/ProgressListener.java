package dev.endoreward.spark;

import java.util.Set;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import scala.Tuple4;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Feeds {@link TaskProgress} from Spark's listener events on the driver, in local mode and on clusters
 * alike. Accumulators reach the driver's own copies only when a task ends; executor heartbeats carry the
 * running tasks' values too ({@code spark.executor.heartbeatInterval}, see {@link ProgressHeartbeat}), and
 * task-end events their final values, so every figure here comes from events, none from the accumulators
 * themselves.
 */
final class ProgressListener extends SparkListener {
  private final Set<Long> rowAccumulators;
  private final Set<Long> tokenAccumulators;
  private final TaskProgress tasks = new TaskProgress();

  /**
   * @param rowAccumulators ids of the accumulators whose sum is the rows done
   * @param tokenAccumulators ids of the accumulators whose sum is the tokens scored
   */
  ProgressListener(Set<Long> rowAccumulators, Set<Long> tokenAccumulators) {
    this.rowAccumulators = Set.copyOf(rowAccumulators);
    this.tokenAccumulators = Set.copyOf(tokenAccumulators);
  }

  /** Work done so far; never goes backwards. */
  ProgressCounts total() {
    return tasks.total();
  }

  @Override
  public void onTaskStart(SparkListenerTaskStart event) {
    tasks.started(event.taskInfo().taskId(), event.stageId(), event.taskInfo().index());
  }

  @Override
  public void onExecutorMetricsUpdate(SparkListenerExecutorMetricsUpdate event) {
    // (task id, stage id, stage attempt, the task's accumulators with their current values as updates)
    for (Tuple4<Object, Object, Object, scala.collection.immutable.Seq<AccumulableInfo>> task
        : CollectionConverters.asJava(event.accumUpdates())) {
      tasks.reported((Long) task._1(), counts(task._4()));
    }
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd event) {
    long taskId = event.taskInfo().taskId();
    if (event.taskInfo().successful()) {
      tasks.succeeded(taskId, event.stageId(), event.taskInfo().index(), counts(event.taskInfo().accumulables()));
    } else {
      tasks.failed(taskId);
    }
  }

  /** The rows and tokens among one task's accumulator updates. */
  private ProgressCounts counts(scala.collection.Seq<AccumulableInfo> accumulators) {
    long rows = 0;
    long tokens = 0;
    for (AccumulableInfo accumulator : CollectionConverters.asJava(accumulators)) {
      if (accumulator.update().isEmpty() || !(accumulator.update().get() instanceof Long update)) {
        continue;
      }
      if (rowAccumulators.contains(accumulator.id())) {
        rows += update;
      } else if (tokenAccumulators.contains(accumulator.id())) {
        tokens += update;
      }
    }
    return new ProgressCounts(rows, tokens);
  }
}

package dev.endoreward.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.SparkSession;

/** Records the description of every Spark job started while it is open, to tell checks from work. */
public final class JobRecorder extends SparkListener implements AutoCloseable {
  private final SparkContext context;
  private final List<String> descriptions = new ArrayList<>();

  private JobRecorder(SparkContext context) {
    this.context = context;
  }

  public static JobRecorder start(SparkSession spark) {
    JobRecorder recorder = new JobRecorder(spark.sparkContext());
    recorder.context.addSparkListener(recorder);
    return recorder;
  }

  @Override
  public synchronized void onJobStart(SparkListenerJobStart jobStart) {
    descriptions.add(String.valueOf(jobStart.properties().getProperty("spark.job.description")));
  }

  /** The descriptions of the jobs started so far ("null" for a job without one), once Spark has reported them. */
  public List<String> descriptions() throws TimeoutException {
    context.listenerBus().waitUntilEmpty(); // outside the lock, which the listener thread takes
    synchronized (this) {
      return List.copyOf(descriptions);
    }
  }

  /** Whether a job of the score job itself (described "endoreward ...") started. */
  public boolean anyScoreJobStarted() throws TimeoutException {
    return descriptions().stream().anyMatch(description -> description.startsWith("endoreward"));
  }

  @Override
  public void close() {
    context.removeSparkListener(this);
  }
}

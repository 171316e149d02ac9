package dev.endoreward.spark;

import dev.endoreward.batch.Scorer;
import dev.endoreward.engine.EngineCache;
import dev.endoreward.engine.EngineOptions;
import dev.endoreward.spark.config.ScoreConfig;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scorers on the executor-wide engine, on the device Spark assigned to the task. When the job requested
 * GPUs, a task without one is an error, never a silent fall-back to the CPU. On the CPU, the engine's
 * intra-op threads are set so that the executor's concurrent tasks share its cores rather than each
 * taking all of them.
 */
final class EngineScorerFactory implements ScorerFactory {
  private static final Logger LOG = LoggerFactory.getLogger(EngineScorerFactory.class);
  private static final String GPU = "gpu";
  private static final String THREADS_PROPERTY = "ai.djl.pytorch.num_threads";
  private static final String INTEROP_THREADS_PROPERTY = "ai.djl.pytorch.num_interop_threads";

  private final ScoreConfig config;

  EngineScorerFactory(ScoreConfig config) {
    this.config = config;
  }

  @Override
  public Scorer open(ScoreMetrics metrics) {
    SparkConf conf = SparkEnv.get().conf();
    List<String> gpus = assignedGpus();
    if (gpusRequested(conf) && gpus.isEmpty()) {
      throw new IllegalStateException("Cannot score on a GPU: the job requests GPUs (spark.task.resource.gpu.amount)"
          + " but Spark assigned none to this task; check the executors' GPU discovery script");
    }
    EngineOptions options = config.engineOptionsFor(gpus);
    if (!options.device().isGpu()) {
      limitCpuThreads(conf);
    }
    EngineCache.Lease lease = EngineCache.acquire(options);
    if (lease.loadedNow()) {
      metrics.modelLoads.add(1);
      // One line per load in the executor's log: what operators (and the cluster test) count.
      LOG.info("endoreward loaded the model {} on {} in executor {}", options.artefactDir(), options.device(),
          SparkEnv.get().executorId());
    }
    return lease.engine().newScorer();
  }

  /** Whether the job asks Spark to give each task GPUs. */
  private static boolean gpusRequested(SparkConf conf) {
    return Double.parseDouble(conf.get("spark.task.resource.gpu.amount", "0")) > 0;
  }

  private static List<String> assignedGpus() {
    TaskContext task = TaskContext.get();
    Map<String, ResourceInformation> resources = task == null ? Map.of() : task.resourcesJMap();
    ResourceInformation gpu = resources.get(GPU);
    return gpu == null ? List.of() : Arrays.asList(gpu.addresses());
  }

  /** Only takes effect before this JVM starts the PyTorch engine, which is when the first model loads. */
  private void limitCpuThreads(SparkConf conf) {
    int cores = Runtime.getRuntime().availableProcessors();
    int threads = config.job().intraOpThreads(cores, concurrentTasks(conf, cores));
    if (System.getProperty(THREADS_PROPERTY) == null) {
      System.setProperty(THREADS_PROPERTY, String.valueOf(threads));
      System.setProperty(INTEROP_THREADS_PROPERTY, "1");
    }
  }

  /** Tasks this JVM runs at once: N of local[N], or executor cores divided by cores per task. */
  private static int concurrentTasks(SparkConf conf, int cores) {
    String master = conf.get("spark.master", "");
    int taskCpus = conf.getInt("spark.task.cpus", 1);
    if (master.startsWith("local")) {
      Matcher m = Pattern.compile("local\\[(\\*|\\d+)").matcher(master);
      int slots = !m.lookingAt() ? 1 : m.group(1).equals("*") ? cores : Integer.parseInt(m.group(1));
      return Math.max(1, slots / taskCpus);
    }
    return Math.max(1, conf.getInt("spark.executor.cores", cores) / taskCpus);
  }
}

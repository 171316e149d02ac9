package dev.endoreward.engine;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * One {@link RewardEngine} per JVM and per options (artefact, device and scoring settings), created on
 * first use and shared by every task in the JVM. On a Spark executor this means the model is loaded
 * once, however many partitions the executor scores.
 */
public final class EngineCache {
  private static final Logger LOG = Logger.getLogger(EngineCache.class.getName());
  private static final Map<EngineOptions, RewardEngine> ENGINES = new ConcurrentHashMap<>();
  private static final AtomicLong LOADS = new AtomicLong();

  private EngineCache() {}

  /**
   * The shared engine for {@code options}, loading it if this JVM has none yet. Concurrent callers with
   * the same options wait for one load.
   */
  public static Lease acquire(EngineOptions options) {
    boolean[] loadedNow = {false};
    RewardEngine engine = ENGINES.computeIfAbsent(options, key -> {
      long start = System.nanoTime();
      RewardEngine opened = RewardEngine.open(key);
      LOADS.incrementAndGet();
      loadedNow[0] = true;
      LOG.info(String.format("Engine cache loaded model %s on %s in %.2f s", key.artefactDir(), key.device(),
          (System.nanoTime() - start) / 1e9));
      return opened;
    });
    return new Lease(engine, loadedNow[0]);
  }

  /** How many models this JVM has loaded through the cache. */
  public static long loads() {
    return LOADS.get();
  }

  /**
   * A cached engine and whether this call was the one that loaded it.
   *
   * @param engine the shared engine; do not close it
   * @param loadedNow true for exactly one caller per cached engine
   */
  public record Lease(RewardEngine engine, boolean loadedNow) {}
}

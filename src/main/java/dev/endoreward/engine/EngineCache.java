package dev.endoreward.engine;

import dev.endoreward.model.DeviceSpec;
import dev.endoreward.model.ModelArtefact;
import dev.endoreward.model.TorchRewardHead;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * The engines of one JVM, created on first use and shared by every task in it. The loaded module is
 * cached by artefact and device, so engines whose reward, batch, length or template options differ
 * share one copy of the weights: on a Spark executor the model is loaded once per device, however many
 * partitions and configurations it scores.
 */
public final class EngineCache {
  private static final Logger LOG = Logger.getLogger(EngineCache.class.getName());
  private static final Map<ModuleKey, TorchRewardHead> MODULES = new ConcurrentHashMap<>();
  private static final Map<EngineOptions, RewardEngine> ENGINES = new ConcurrentHashMap<>();
  private static final AtomicLong LOADS = new AtomicLong();

  private EngineCache() {}

  /** What identifies one loaded copy of the weights. */
  private record ModuleKey(Path artefact, DeviceSpec device) {}

  /**
   * The shared engine for {@code options}, loading the module if this JVM has none for its artefact and
   * device yet. Concurrent callers wait for one load.
   *
   * @param options options on a concrete device
   */
  public static Lease acquire(EngineOptions options) {
    boolean[] loadedNow = {false};
    RewardEngine engine = ENGINES.computeIfAbsent(options, key -> {
      ModuleKey moduleKey = new ModuleKey(key.artefactPath().toAbsolutePath().normalize(), key.device());
      TorchRewardHead head = MODULES.computeIfAbsent(moduleKey, module -> {
        long start = System.nanoTime();
        // Opening verifies every file's hash, which takes a while for large weights: once per module.
        TorchRewardHead loaded = TorchRewardHead.load(ModelArtefact.open(module.artefact()), module.device());
        try {
          // On the first engine's budget: the engines of one job share it, so its batches are the job's.
          RewardEngine.warmUpWhereItHelps(loaded, key);
        } catch (RuntimeException e) {
          loaded.close();
          throw e;
        }
        LOADS.incrementAndGet();
        loadedNow[0] = true;
        LOG.info(String.format("Engine cache loaded model %s on %s in %.2f s", module.artefact(), module.device(),
            (System.nanoTime() - start) / 1e9));
        return loaded;
      });
      return RewardEngine.onSharedModule(key, head);
    });
    return new Lease(engine, loadedNow[0]);
  }

  /** How many modules this JVM has loaded through the cache. */
  public static long loads() {
    return LOADS.get();
  }

  /**
   * A cached engine and whether this call was the one that loaded its module.
   *
   * @param engine the shared engine; do not close it
   * @param loadedNow true for exactly one caller per loaded module
   */
  public record Lease(RewardEngine engine, boolean loadedNow) {}
}

package dev.endoreward.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.endoreward.batch.ScoredPair;
import dev.endoreward.engine.EngineOptions;
import dev.endoreward.engine.RewardEngine;
import dev.endoreward.reward.Outcome;
import dev.endoreward.spark.config.ScoreConfig;
import dev.endoreward.spark.config.ScoreKeys;
import dev.endoreward.testing.SharedFixtures;
import dev.endoreward.text.PairInput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Scores the first benchmark pairs on stories260K with one intra-op thread and prints, as one JSON object,
 * whether this process runs on jemalloc (it is mapped into the process) and every scored pair's sequence
 * and token rewards: what a test compares between JVMs started with different allocator settings.
 *
 * <pre>
 *   AllocatorProbe [--comparisons 5]
 * </pre>
 */
public final class AllocatorProbe {
  private AllocatorProbe() {}

  public static void main(String[] args) throws IOException {
    BenchArgs options = new BenchArgs(args, Set.of("comparisons"));
    // One thread keeps the sums in one order, so that equal allocations must give bit-identical rewards.
    System.setProperty("ai.djl.pytorch.num_threads", "1");
    System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    List<PairInput> pairs = BenchPairs.hhRlhf(options.integer("comparisons", 5)).stream()
        .map(BenchPairs.BenchPair::toPairInput).toList();
    EngineOptions engineOptions = ScoreConfig.forLibrary(Map.of(
        ScoreKeys.MODEL_PATH.name(), SharedFixtures.storiesArtefact().toString(),
        ScoreKeys.MODEL_DEVICE.name(), "cpu",
        ScoreKeys.TEMPLATE_MODE.name(), "plain",
        ScoreKeys.LENGTH_MAX.name(), "512")).engineOptions();
    List<Map<String, Object>> scored = new ArrayList<>();
    try (RewardEngine engine = RewardEngine.open(engineOptions)) {
      for (Outcome<ScoredPair> outcome : engine.newScorer().score(pairs)) {
        if (!outcome.isRejected()) {
          Map<String, Object> row = new LinkedHashMap<>();
          row.put("reward", outcome.value().reward().reward());
          row.put("token_rewards", outcome.value().reward().tokenRewards());
          scored.add(row);
        }
      }
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("jemalloc_mapped", Files.readString(Path.of("/proc/self/maps")).contains("libjemalloc"));
    result.put("scored", scored);
    System.out.println(new ObjectMapper().writeValueAsString(result));
  }
}

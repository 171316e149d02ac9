package dev.endoreward.engine;

import dev.endoreward.spark.config.ScoreConfig;
import dev.endoreward.testing.SharedFixtures;
import dev.endoreward.text.PairInput;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScratchEngineProbe {
  @Test
  void probe() {
    String demo = SharedFixtures.projectDir().resolve("src/demo/model").toString();
    EngineOptions options = ScoreConfig.forLibrary(Map.of("model.path", demo)).engineOptions();
    System.out.println("PROBE options " + options);
    List<PairInput> pairs = new ArrayList<>();
    for (String c : new String[] {"\u0000", "\u0007", "\u001b", "\b", "\u000b"}) {
      pairs.add(PairInput.of(null, "What is 2 + 2?" + c, "4"));
      pairs.add(PairInput.of(null, "What is 2 + 2?", "4" + c));
      pairs.add(PairInput.of("sys" + c, "What is 2 + 2?", "4"));
      pairs.add(PairInput.of(null, "a " + c + " b", "c " + c + " d"));
    }
    try (RewardEngine engine = RewardEngine.open(options)) {
      var out = engine.newScorer().score(pairs);
      for (int i = 0; i < out.size(); i++) System.out.println("PROBE " + i + " " + (out.get(i).isRejected() ? out.get(i).rejection() : "ok"));
    }
  }
}

package dev.endoreward.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.endoreward.batch.ScoredPair;
import dev.endoreward.spark.config.ScoreConfig;
import dev.endoreward.testing.SharedFixtures;
import dev.endoreward.text.PairInput;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestEngineCache {
  @TempDir Path temp;

  private static EngineOptions options(Path model, String... keyValues) {
    Map<String, String> settings = new HashMap<>(Map.of("model.path", model.toString()));
    for (int i = 0; i < keyValues.length; i += 2) {
      settings.put(keyValues[i], keyValues[i + 1]);
    }
    return ScoreConfig.forLibrary(settings).engineOptions();
  }

  private static ScoredPair score(RewardEngine engine) {
    return engine.newScorer().score(List.of(PairInput.of(null, "Once upon a time", " there was a cat."))).get(0)
        .value();
  }

  @Test
  void configurationsThatDifferOnlyInScoringShareOneLoadOfTheWeights() {
    // a model path of its own, so that no other test in this JVM has loaded it
    Path model = SharedFixtures.copyOfStoriesArtefact(temp.resolve("model"));
    long before = EngineCache.loads();

    EngineCache.Lease paper = EngineCache.acquire(options(model));
    EngineCache.Lease other = EngineCache.acquire(options(model, "reward.alpha", "0.5", "batch.max-rows", "3",
        "length.max", "256"));
    EngineCache.Lease again = EngineCache.acquire(options(model));

    assertThat(EngineCache.loads() - before).isEqualTo(1);
    assertThat(paper.loadedNow()).isTrue();
    assertThat(other.loadedNow()).isFalse();
    assertThat(again.engine()).isSameAs(paper.engine());
    assertThat(other.engine()).isNotSameAs(paper.engine());
    // each engine keeps its own options on the shared weights: same logprobs, value scaled by alpha
    ScoredPair atOne = score(paper.engine());
    ScoredPair atHalf = score(other.engine());
    assertThat(atHalf.reward().logprob()).isCloseTo(atOne.reward().logprob(), within(1e-5f));
    assertThat(atHalf.reward().valuePrompt()).isCloseTo(atOne.reward().valuePrompt() / 2, within(1e-5f));
  }
}

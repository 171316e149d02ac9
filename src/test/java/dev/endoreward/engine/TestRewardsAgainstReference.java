package dev.endoreward.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.endoreward.batch.ScoredPair;
import dev.endoreward.batch.TokenBudget;
import dev.endoreward.model.DeviceSpec;
import dev.endoreward.reward.Outcome;
import dev.endoreward.reward.RewardOptions;
import dev.endoreward.reward.SequenceReward;
import dev.endoreward.reward.TerminalValue;
import dev.endoreward.testing.PreferenceData;
import dev.endoreward.testing.SharedFixtures;
import dev.endoreward.text.OverlongPromptPolicy;
import dev.endoreward.text.PairInput;
import dev.endoreward.text.TemplateMode;
import dev.endoreward.text.TemplateVariables;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real HH-RLHF pairs, scored by the engine through DJL, against an eager Python reference that takes
 * full logits and a float64 logsumexp (src/test/python/reference_rewards.py).
 */
class TestRewardsAgainstReference {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final double TOLERANCE = 1e-4;
  /**
   * Sums over a sequence are float32 values of up to about a thousand, whose spacing there is 6e-5: the
   * absolute tolerance is one or two units in their last place, so a few units of relative error are allowed.
   */
  private static final double RELATIVE_TOLERANCE_OF_SUMS = 1e-6;

  @TempDir Path temp;

  private static List<PairInput> pairs() {
    List<PairInput> pairs = new ArrayList<>();
    for (PreferenceData.Comparison c : PreferenceData.hhRlhf(14)) {
      pairs.add(PairInput.of(null, c.prompt(), c.chosen()));
      pairs.add(PairInput.of(null, c.prompt(), c.rejected()));
    }
    // very short pairs, batched with the long ones above
    pairs.add(PairInput.of(null, "Once upon a time", " there was a girl."));
    pairs.add(PairInput.of(null, "Lily", " ran."));
    pairs.add(PairInput.of(null, "A", "b"));
    pairs.add(PairInput.of(null, "The cat sat on the", " mat"));
    return pairs;
  }

  private List<ScoredPair> scoreAndCompare(RewardOptions rewardOptions, String terminalName) throws IOException {
    Path artefact = SharedFixtures.storiesArtefact();
    EngineOptions options = new EngineOptions(artefact.toString(), DeviceSpec.CPU, TemplateMode.PLAIN,
        rewardOptions, new TokenBudget(1536, 6, true), 0, OverlongPromptPolicy.TRUNCATE_LEFT, TemplateVariables.NONE);
    List<PairInput> pairs = pairs();
    List<Outcome<ScoredPair>> outcomes;
    try (RewardEngine engine = RewardEngine.open(options)) {
      outcomes = engine.newScorer().score(pairs);
    }
    assertThat(outcomes).hasSameSizeAs(pairs);

    List<ScoredPair> scored = new ArrayList<>();
    ArrayNode request = JSON.createArrayNode();
    for (int i = 0; i < outcomes.size(); i++) {
      if (outcomes.get(i).isRejected()) {
        continue;
      }
      ScoredPair pair = outcomes.get(i).value();
      scored.add(pair);
      ObjectNode row = request.addObject();
      row.put("id", String.valueOf(scored.size() - 1));
      row.set("prompt_ids", JSON.valueToTree(pair.tokens().promptIds()));
      row.set("response_ids", JSON.valueToTree(pair.tokens().responseIds()));
    }
    assertThat(scored).hasSizeGreaterThanOrEqualTo(20);
    assertThat(scored).anyMatch(p -> p.tokens().length() > 300).anyMatch(p -> p.tokens().length() < 12);

    Path in = temp.resolve("pairs.json");
    Path out = temp.resolve("rewards.json");
    JSON.writeValue(in.toFile(), request);
    SharedFixtures.runPython(List.of("src/test/python/reference_rewards.py",
        "--checkpoint", SharedFixtures.sharedDir().resolve("models/stories260K/stories260K.bin").toString(),
        "--input", in.toString(), "--output", out.toString(),
        "--alpha", String.valueOf(rewardOptions.alpha()), "--gamma", String.valueOf(rewardOptions.gamma()),
        "--terminal", terminalName), "");
    JsonNode reference = JSON.readTree(out.toFile());

    for (int i = 0; i < scored.size(); i++) {
      SequenceReward actual = scored.get(i).reward();
      JsonNode expected = reference.get(String.valueOf(i));
      String where = "pair " + i + " (" + scored.get(i).tokens().length() + " tokens)";
      assertThat((double) actual.reward()).as(where).isCloseTo(expected.get("reward").asDouble(), sumTolerance(expected.get("reward")));
      assertThat((double) actual.logprob()).as(where).isCloseTo(expected.get("logprob").asDouble(), sumTolerance(expected.get("logprob")));
      assertThat((double) actual.valuePrompt()).as(where).isCloseTo(expected.get("value_prompt").asDouble(), within(TOLERANCE));
      assertThat((double) actual.rewardMean()).as(where).isCloseTo(expected.get("reward_mean").asDouble(), within(TOLERANCE));
      assertThat((double) actual.logprobMean()).as(where).isCloseTo(expected.get("logprob_mean").asDouble(), within(TOLERANCE));
      JsonNode tokenRewards = expected.get("token_rewards");
      JsonNode tokenLogprobs = expected.get("token_logprobs");
      assertThat(actual.tokenRewards()).as(where).hasSize(tokenRewards.size());
      for (int k = 0; k < tokenRewards.size(); k++) {
        assertThat((double) actual.tokenRewards()[k]).as(where + " token " + k)
            .isCloseTo(tokenRewards.get(k).asDouble(), within(TOLERANCE));
        assertThat((double) actual.tokenLogprobs()[k]).as(where + " token " + k)
            .isCloseTo(tokenLogprobs.get(k).asDouble(), within(TOLERANCE));
      }
    }
    return scored;
  }

  private static Offset<Double> sumTolerance(JsonNode expected) {
    return within(Math.max(TOLERANCE, RELATIVE_TOLERANCE_OF_SUMS * Math.abs(expected.asDouble())));
  }

  @Test
  void defaultRewardsMatchTheEagerReference() throws IOException {
    scoreAndCompare(new RewardOptions(1, 1, TerminalValue.ZERO), "zero");
  }

  @Test
  void discountedBootstrappedRewardsMatchTheEagerReference() throws IOException {
    scoreAndCompare(new RewardOptions(0.5, 0.9, TerminalValue.BOOTSTRAP), "bootstrap");
  }
}

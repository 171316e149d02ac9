package dev.endoreward.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.endoreward.reward.EndogenousReward;
import dev.endoreward.reward.Outcome;
import dev.endoreward.reward.RewardHead.HeadOutput;
import dev.endoreward.reward.RewardOptions;
import dev.endoreward.reward.SequenceReward;
import dev.endoreward.reward.TerminalValue;
import dev.endoreward.testing.SharedFixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Small random models of real transformers architectures (Llama, Qwen2, Qwen3, Mistral, Gemma 2 and 3,
 * Phi-3, GPT-2, GPT-NeoX, OPT), exported through the hf front end in float32, bfloat16 and float16
 * (src/test/python/hf_fixture.py), scored here through DJL with pairs of 2 to 128 tokens in one
 * right-padded batch, against transformers' eager forward of the same weights in float64 with full logits
 * on each pair alone.
 */
class TestHfFamilies {
  private static final ObjectMapper JSON = new ObjectMapper();
  /**
   * Largest difference allowed, relative to max(1, |reference|) for the half-precision dtypes. Every layer
   * rounds in the model's dtype and the logits are rounded to it before the float32 reductions; across
   * these families the largest measured differences were 1.2e-5 (float32, absolute), 2.5e-2 (bfloat16)
   * and 3.2e-3 (float16), about 6.5 units of roundoff for both half dtypes. The bounds leave twice that.
   */
  private static final Map<String, Double> TOLERANCE = Map.of("float32", 1e-4, "bfloat16", 5e-2, "float16", 1e-2);

  record Case(String name, String dtype, Path artefact, List<JsonNode> pairs) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    Path root = SharedFixtures.hfFamilies();
    try {
      JsonNode fixture = JSON.readTree(root.resolve("cases.json").toFile());
      return StreamSupport.stream(fixture.get("cases").spliterator(), false).map(c -> new Case(
          c.get("name").asText(), c.get("dtype").asText(), root.resolve(c.get("artefact").asText()),
          StreamSupport.stream(c.get("pairs").spliterator(), false).toList()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void rewardsOfPairsBatchedTogetherMatchTheFloat64Reference(Case c) {
    List<int[]> sequences = new ArrayList<>();
    for (JsonNode pair : c.pairs()) {
      int[] prompt = ids(pair.get("prompt_ids"));
      int[] response = ids(pair.get("response_ids"));
      int[] sequence = Arrays.copyOf(prompt, prompt.length + response.length);
      System.arraycopy(response, 0, sequence, prompt.length, response.length);
      sequences.add(sequence);
    }
    assertThat(sequences.stream().mapToInt(s -> s.length).distinct().count()).isEqualTo(sequences.size());
    List<HeadOutput> outputs;
    try (TorchRewardHead head = TorchRewardHead.load(ModelArtefact.open(c.artefact()), DeviceSpec.CPU)) {
      outputs = head.forward(sequences);
    }
    // the fixture's references bootstrap the terminal value, so every logsumexp reaches a reward
    EndogenousReward reward = new EndogenousReward(new RewardOptions(1, 1, TerminalValue.BOOTSTRAP));
    double tolerance = TOLERANCE.get(c.dtype());
    boolean relative = !c.dtype().equals("float32");
    double largestAbsolute = 0;
    double largestRelative = 0; // to max(1, |reference|)
    for (int i = 0; i < sequences.size(); i++) {
      JsonNode pair = c.pairs().get(i);
      int p = pair.get("prompt_ids").size();
      int r = pair.get("response_ids").size();
      HeadOutput output = outputs.get(i);
      Outcome<SequenceReward> scored = reward.compute(
          Arrays.copyOfRange(output.nextTokenLogits(), p - 1, p + r - 1),
          Arrays.copyOfRange(output.logSumExps(), p - 1, p + r));
      assertThat(scored.isRejected()).as("%s pair %d", c, i).isFalse();
      SequenceReward actual = scored.value();
      JsonNode expected = pair.get("reference");
      String where = String.format(Locale.ROOT, "%s pair %d (%d + %d tokens)", c, i, p, r);
      double sumBound = 0;
      for (int k = 0; k < r; k++) {
        double expectedReward = expected.get("token_rewards").get(k).asDouble();
        double expectedLogprob = expected.get("token_logprobs").get(k).asDouble();
        double rewardBound = bound(tolerance, relative, expectedReward);
        double logprobBound = bound(tolerance, relative, expectedLogprob);
        assertThat((double) actual.tokenRewards()[k]).as("%s token %d reward", where, k)
            .isCloseTo(expectedReward, within(rewardBound));
        assertThat((double) actual.tokenLogprobs()[k]).as("%s token %d logprob", where, k)
            .isCloseTo(expectedLogprob, within(logprobBound));
        for (double[] compared : new double[][] {{actual.tokenRewards()[k], expectedReward},
            {actual.tokenLogprobs()[k], expectedLogprob}}) {
          double difference = Math.abs(compared[0] - compared[1]);
          largestAbsolute = Math.max(largestAbsolute, difference);
          largestRelative = Math.max(largestRelative, difference / Math.max(1, Math.abs(compared[1])));
        }
        sumBound += Math.max(rewardBound, logprobBound);
      }
      double valuePrompt = expected.get("value_prompt").asDouble();
      assertThat((double) actual.valuePrompt()).as("%s value_prompt", where)
          .isCloseTo(valuePrompt, within(bound(tolerance, relative, valuePrompt)));
      // each term within its bound keeps a sum within the sum of the bounds
      assertThat((double) actual.reward()).as("%s reward", where)
          .isCloseTo(expected.get("reward").asDouble(), within(sumBound));
      assertThat((double) actual.logprob()).as("%s logprob", where)
          .isCloseTo(expected.get("logprob").asDouble(), within(sumBound));
    }
    System.out.printf(Locale.ROOT, "%s: largest token reward or logprob difference %.2e, relative %.2e%n", c,
        largestAbsolute, largestRelative);
  }

  private static double bound(double tolerance, boolean relative, double expected) {
    return relative ? tolerance * Math.max(1, Math.abs(expected)) : tolerance;
  }

  private static int[] ids(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false).mapToInt(JsonNode::asInt).toArray();
  }
}

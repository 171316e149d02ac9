package dev.endoreward.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.endoreward.batch.BatchScorer;
import dev.endoreward.batch.ScoredPair;
import dev.endoreward.model.DeviceSpec;
import dev.endoreward.model.ModelArtefact;
import dev.endoreward.model.TorchRewardHead;
import dev.endoreward.reward.EndogenousReward;
import dev.endoreward.reward.Outcome;
import dev.endoreward.reward.SequenceReward;
import dev.endoreward.spark.config.ScoreConfig;
import dev.endoreward.testing.PreferenceData;
import dev.endoreward.testing.PreferenceData.Comparison;
import dev.endoreward.testing.SharedFixtures;
import dev.endoreward.text.LengthLimiter;
import dev.endoreward.text.PairEncoder;
import dev.endoreward.text.PairInput;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The warm-up forward pass that an engine runs after loading its model. */
class TestEngineWarmUp {
  private static EngineOptions options(String... keyValues) {
    Map<String, String> settings = new HashMap<>(Map.of("model.path", SharedFixtures.storiesArtefact().toString(),
        "model.device", "cpu", "template.mode", "plain"));
    for (int i = 0; i < keyValues.length; i += 2) {
      settings.put(keyValues[i], keyValues[i + 1]);
    }
    return ScoreConfig.forLibrary(settings).engineOptions();
  }

  private static List<PairInput> pairs() {
    List<PairInput> pairs = new ArrayList<>();
    for (Comparison comparison : PreferenceData.hhRlhf(6)) {
      pairs.add(PairInput.of(null, comparison.prompt(), comparison.chosen()));
      pairs.add(PairInput.of(null, comparison.prompt(), comparison.rejected()));
    }
    return pairs;
  }

  private static List<SequenceReward> rewards(List<Outcome<ScoredPair>> outcomes) {
    return outcomes.stream().filter(outcome -> !outcome.isRejected()).map(outcome -> outcome.value().reward()).toList();
  }

  /** Scores {@code pairs} as an engine on {@code options} does, on a freshly loaded head, warmed up or not. */
  private static List<SequenceReward> scoreOnFreshHead(EngineOptions options, List<PairInput> pairs, boolean warmUp) {
    ModelArtefact artefact = ModelArtefact.open(options.artefactPath());
    try (TorchRewardHead head = TorchRewardHead.load(artefact, DeviceSpec.CPU);
        PairEncoder encoder = PairEncoder.open(artefact.directory(), options.templateMode())) {
      if (warmUp) {
        RewardEngine.warmUp(head, options);
      }
      LengthLimiter lengthLimiter = new LengthLimiter(options.maxLengthOn(head.maxLength()), head.maxLength(),
          options.overlongPromptPolicy());
      return rewards(new BatchScorer(encoder, lengthLimiter, options.budget(), head,
          new EndogenousReward(options.reward())).score(pairs));
    }
  }

  /** The messages TorchRewardHead logs while {@code action} runs. */
  private static List<String> logged(Runnable action) {
    List<String> messages = new ArrayList<>();
    Handler handler = new Handler() {
      @Override
      public void publish(LogRecord record) {
        messages.add(record.getMessage());
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    Logger logger = Logger.getLogger(TorchRewardHead.class.getName());
    logger.addHandler(handler);
    try {
      action.run();
    } finally {
      logger.removeHandler(handler);
    }
    return messages;
  }

  @Test
  void aWarmedUpModelScoresAsOneThatNeverWarmedUp() {
    EngineOptions options = options("length.max", "512", "batch.max-tokens", "2048");
    List<PairInput> pairs = pairs();

    List<SequenceReward> cold = scoreOnFreshHead(options, pairs, false);
    List<SequenceReward> warm = scoreOnFreshHead(options, pairs, true);

    assertThat(cold).hasSizeGreaterThanOrEqualTo(10);
    assertThat(warm).hasSameSizeAs(cold);
    for (int i = 0; i < cold.size(); i++) {
      // bit for bit: the warm-up's outputs are discarded and its batch leaves no state behind
      assertThat(warm.get(i).reward()).as("reward %d", i).isEqualTo(cold.get(i).reward());
      assertThat(warm.get(i).valuePrompt()).as("value_prompt %d", i).isEqualTo(cold.get(i).valuePrompt());
      assertThat(warm.get(i).tokenRewards()).as("token rewards %d", i).isEqualTo(cold.get(i).tokenRewards());
      assertThat(warm.get(i).tokenLogprobs()).as("token logprobs %d", i).isEqualTo(cold.get(i).tokenLogprobs());
    }
  }

  @Test
  void anEngineOnTheCpuDoesNotWarmUp() {
    List<String> messages = logged(() -> RewardEngine.open(options()).close());

    assertThat(messages).anyMatch(message -> message.startsWith("Loaded model"))
        .noneMatch(message -> message.startsWith("Warmed up"));
  }

  @ParameterizedTest(name = "max-tokens {0}, max-rows {1}, length.max {2}: {3}")
  @CsvSource({
      "16384, 64, 512, 32 x 512", // the defaults on stories260K: the budget bounds the rows
      "2048, 64, 512, 4 x 512",
      "16384, 8, 512, 8 x 512", // the row limit bounds them
      "2048, 64, 100, 20 x 100", // length.max shorter than the model's
  })
  void warmsUpOnTheLargestBatchTheBudgetAllows(String maxTokens, String maxRows, String lengthMax, String shape) {
    EngineOptions options = options("batch.max-tokens", maxTokens, "batch.max-rows", maxRows, "length.max", lengthMax);

    List<String> messages;
    try (TorchRewardHead head = TorchRewardHead.load(ModelArtefact.open(options.artefactPath()), DeviceSpec.CPU)) {
      messages = logged(() -> RewardEngine.warmUp(head, options));
    }

    assertThat(messages).singleElement().asString()
        .startsWith("Warmed up model ").contains(" on cpu with " + shape + " tokens in ");
  }
}

package dev.endoreward.reward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class TestEndogenousReward {
  /** alpha 1, gamma 1, a terminal value of 0: the paper's setting. */
  private static final RewardOptions PAPER = new RewardOptions(1, 1, TerminalValue.ZERO);

  private static final float[] TWO_TOKEN_LOGITS = {2f, 1f};
  private static final float[] TWO_TOKEN_LSE = {3f, 2.5f, 4f};

  private static SequenceReward score(RewardOptions options, float[] logits, float[] lse) {
    return new EndogenousReward(options).compute(logits, lse).value();
  }

  @Test
  void handComputedTwoTokensWithDefaults() {
    // r1 = 2 - 2.5 = -0.5; r2 = 1 - 0 = 1; logp = (2 - 3) + (1 - 2.5) = -2.5; V1 = 3
    SequenceReward s = score(PAPER, TWO_TOKEN_LOGITS, TWO_TOKEN_LSE);
    assertThat(s.tokenRewards()).containsExactly(-0.5f, 1f);
    assertThat(s.tokenLogprobs()).containsExactly(-1f, -1.5f);
    assertThat(s.reward()).isEqualTo(0.5f);
    assertThat(s.rewardMean()).isEqualTo(0.25f);
    assertThat(s.logprob()).isEqualTo(-2.5f);
    assertThat(s.logprobMean()).isEqualTo(-1.25f);
    assertThat(s.valuePrompt()).isEqualTo(3f);
  }

  @Test
  void bootstrapSubtractsTheValueAfterTheLastToken() {
    // r2 = 1 - 4 = -3 instead of 1
    SequenceReward s = score(new RewardOptions(1, 1, TerminalValue.BOOTSTRAP), TWO_TOKEN_LOGITS, TWO_TOKEN_LSE);
    assertThat(s.tokenRewards()).containsExactly(-0.5f, -3f);
    assertThat(s.reward()).isEqualTo(-3.5f);
    assertThat(s.logprob()).isEqualTo(-2.5f);
  }

  @Test
  void gammaAndAlphaScaleTheTerms() {
    // alpha 2, gamma 0.5: r1 = 2*2 - 0.5*2*2.5 = 1.5; r2 = 2*1 = 2; V1 = 2*3 = 6
    SequenceReward s = score(new RewardOptions(2, 0.5, TerminalValue.ZERO), TWO_TOKEN_LOGITS, TWO_TOKEN_LSE);
    assertThat(s.tokenRewards()).containsExactly(1.5f, 2f);
    assertThat(s.reward()).isEqualTo(3.5f);
    assertThat(s.valuePrompt()).isEqualTo(6f);
    // logprobs do not depend on alpha or gamma
    assertThat(s.tokenLogprobs()).containsExactly(-1f, -1.5f);
  }

  @Test
  void gammaBelowOneWithBootstrap() {
    // alpha 1, gamma 0.9: r1 = 2 - 0.9*2.5 = -0.25; r2 = 1 - 0.9*4 = -2.6
    SequenceReward s = score(new RewardOptions(1, 0.9, TerminalValue.BOOTSTRAP), TWO_TOKEN_LOGITS, TWO_TOKEN_LSE);
    assertThat(s.tokenRewards()[0]).isCloseTo(-0.25f, within(1e-6f));
    assertThat(s.tokenRewards()[1]).isCloseTo(-2.6f, within(1e-6f));
    assertThat(s.reward()).isCloseTo(-2.85f, within(1e-6f));
  }

  @Test
  void responseOfLengthOne() {
    SequenceReward zero = score(PAPER, new float[] {0.7f}, new float[] {1.2f, 9f});
    assertThat(zero.tokenRewards()).containsExactly(0.7f);
    assertThat(zero.logprob()).isCloseTo(-0.5f, within(1e-6f));
    assertThat(zero.valuePrompt()).isEqualTo(1.2f);
    assertThat(zero.rewardMean()).isEqualTo(zero.reward());

    SequenceReward boot = score(new RewardOptions(1, 1, TerminalValue.BOOTSTRAP), new float[] {0.7f}, new float[] {1.2f, 9f});
    assertThat(boot.reward()).isCloseTo(0.7f - 9f, within(1e-6f));
  }

  @Test
  void rewardEqualsAlphaLogprobPlusPromptValueWithGammaOneAndZeroTerminal() {
    Random random = new Random(7);
    for (int trial = 0; trial < 200; trial++) {
      int r = 1 + random.nextInt(300);
      float alpha = 0.25f + random.nextFloat() * 2;
      float[] logits = new float[r];
      float[] lse = new float[r + 1];
      for (int k = 0; k <= r; k++) {
        lse[k] = 5 + 10 * random.nextFloat();
        if (k < r) {
          logits[k] = lse[k] - 8 * random.nextFloat();
        }
      }
      SequenceReward s = score(new RewardOptions(alpha, 1, TerminalValue.ZERO), logits, lse);
      assertThat((double) s.reward())
          .isCloseTo((double) alpha * s.logprob() + s.valuePrompt(), within(1e-3 + 1e-5 * r));
    }
  }

  @Test
  void nonFiniteInputsAreRejectedNotThrown() {
    EndogenousReward reward = new EndogenousReward(PAPER);
    Outcome<SequenceReward> nanLogit = reward.compute(new float[] {1f, Float.NaN}, new float[] {1f, 2f, 3f});
    assertThat(nanLogit.rejection().reason()).isEqualTo(RejectReason.NON_FINITE);
    assertThat(nanLogit.rejection().detail()).isEqualTo("chosen logit of response token 2 of 2 is NaN; the"
        + " model's outputs are not finite here: if it was exported in float16, export it in bfloat16 or"
        + " float32, and check its weights for NaN");

    Outcome<SequenceReward> infLse =
        reward.compute(new float[] {1f, 2f}, new float[] {Float.POSITIVE_INFINITY, 2f, 3f});
    assertThat(infLse.rejection().reason()).isEqualTo(RejectReason.NON_FINITE);
    assertThat(infLse.rejection().detail()).startsWith("logsumexp before response token 1 of 2 is Infinity; ");

    Outcome<SequenceReward> negInf = reward.compute(new float[] {Float.NEGATIVE_INFINITY}, new float[] {1f, 2f});
    assertThat(negInf.isRejected()).isTrue();
  }

  @Test
  void finalLogSumExpOnlyMattersWhenBootstrapping() {
    float[] logits = {1f, 2f};
    float[] lse = {3f, 4f, Float.NaN};
    assertThat(new EndogenousReward(PAPER).compute(logits, lse).isRejected()).isFalse();
    assertThat(new EndogenousReward(new RewardOptions(1, 1, TerminalValue.BOOTSTRAP)).compute(logits, lse)
        .rejection().reason()).isEqualTo(RejectReason.NON_FINITE);
  }

  @Test
  void floatOverflowOfTheSumIsRejected() {
    float big = Float.MAX_VALUE / 2;
    Outcome<SequenceReward> out = new EndogenousReward(PAPER)
        .compute(new float[] {big, big, big, big}, new float[] {0f, 0f, 0f, 0f, 0f});
    assertThat(out.rejection().reason()).isEqualTo(RejectReason.NON_FINITE);
    assertThat(out.rejection().detail()).startsWith(
        "the sums over 4 response tokens overflow float: reward Infinity, logprob Infinity; ");
  }

  @Test
  void callerErrorsThrow() {
    EndogenousReward reward = new EndogenousReward(PAPER);
    assertThatThrownBy(() -> reward.compute(new float[0], new float[] {1f}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> reward.compute(new float[] {1f}, new float[] {1f}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected 2");
    assertThatThrownBy(() -> new RewardOptions(0, 1, TerminalValue.ZERO)).hasMessageStartingWith("Cannot use alpha");
    assertThatThrownBy(() -> new RewardOptions(Double.NaN, 1, TerminalValue.ZERO)).hasMessageStartingWith("Cannot use alpha");
    assertThatThrownBy(() -> new RewardOptions(1, 1.5, TerminalValue.ZERO)).hasMessageStartingWith("Cannot use gamma");
    assertThatThrownBy(() -> new RewardOptions(1, 1, null)).isInstanceOf(NullPointerException.class);
  }
}

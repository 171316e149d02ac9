package dev.endoreward.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.endoreward.reward.Outcome;
import dev.endoreward.reward.RejectReason;
import dev.endoreward.reward.Rejection;
import org.junit.jupiter.api.Test;

class TestLengthLimiter {
  /** BOS, template 10, content 21 22 23, template 11, content 24, template 12; response 30 31. */
  private static final EncodedPair PAIR =
      EncodedPair.untruncated(
          new int[] {1, 10, 21, 22, 23, 11, 24, 12},
          new boolean[] {false, false, true, true, true, false, true, false},
          new int[] {30, 31});

  @Test
  void aPairThatFitsPassesUnchanged() {
    Outcome<EncodedPair> outcome = new LengthLimiter(10, OverlongPromptPolicy.REJECT).fit(PAIR);

    assertThat(outcome.value()).isSameAs(PAIR);
  }

  @Test
  void truncationDropsTheEarliestContentTokensAndKeepsTemplateTokens() {
    EncodedPair fitted =
        new LengthLimiter(8, OverlongPromptPolicy.TRUNCATE_LEFT).fit(PAIR).value();

    assertThat(fitted.promptIds()).containsExactly(1, 10, 23, 11, 24, 12);
    assertThat(fitted.promptCuttable()).containsExactly(false, false, true, false, true, false);
    assertThat(fitted.responseIds()).containsExactly(30, 31);
    assertThat(fitted.promptTruncated()).isTrue();
    // What identifies the prompt stays whole, whatever was cut beside this response.
    assertThat(fitted.fullPromptIds()).containsExactly(1, 10, 21, 22, 23, 11, 24, 12);
  }

  @Test
  void truncationCanRemoveEveryContentToken() {
    EncodedPair fitted =
        new LengthLimiter(6, OverlongPromptPolicy.TRUNCATE_LEFT).fit(PAIR).value();

    assertThat(fitted.promptIds()).containsExactly(1, 10, 11, 12);
    assertThat(fitted.length()).isEqualTo(6);
  }

  @Test
  void aPairThatCannotFitWithoutCuttingTemplateTokensIsTooLong() {
    Outcome<EncodedPair> outcome =
        new LengthLimiter(5, OverlongPromptPolicy.TRUNCATE_LEFT).fit(PAIR);

    assertThat(outcome.rejection())
        .isEqualTo(
            new Rejection(
                RejectReason.TOO_LONG,
                "prompt 8 + response 2 tokens exceed the model's maximum length 5 by 5, and only 4"
                    + " prompt tokens can be cut (template and control tokens stay, and so does one"
                    + " prompt token); shorten the response or the conversation's turns"));
  }

  @Test
  void theResponseIsNeverCutAndOnePromptTokenAlwaysStays() {
    EncodedPair allContent =
        EncodedPair.untruncated(new int[] {5, 6}, new boolean[] {true, true}, new int[] {7, 8, 9});

    Outcome<EncodedPair> outcome =
        new LengthLimiter(3, OverlongPromptPolicy.TRUNCATE_LEFT).fit(allContent);

    assertThat(outcome.rejection())
        .isEqualTo(
            new Rejection(
                RejectReason.TOO_LONG,
                "prompt 2 + response 3 tokens exceed the model's maximum length 3 by 2, and only 1"
                    + " prompt tokens can be cut (template and control tokens stay, and so does one"
                    + " prompt token); shorten the response or the conversation's turns"));
    assertThat(new LengthLimiter(4, OverlongPromptPolicy.TRUNCATE_LEFT).fit(allContent).value()
            .promptIds())
        .containsExactly(6);
  }

  @Test
  void theRejectPolicyRejectsEveryOverlongPair() {
    Outcome<EncodedPair> outcome = new LengthLimiter(9, OverlongPromptPolicy.REJECT).fit(PAIR);

    assertThat(outcome.rejection())
        .isEqualTo(
            new Rejection(
                RejectReason.TOO_LONG,
                "prompt 8 + response 2 tokens exceed the model's maximum length 9; set"
                    + " length.overlong-prompt=truncate-left to cut the prompt's start"));
  }

  @Test
  void belowTheModelsMaximumTheDetailSuggestsRaisingLengthMax() {
    assertThat(new LengthLimiter(9, 2048, OverlongPromptPolicy.REJECT).fit(PAIR).rejection())
        .isEqualTo(
            new Rejection(
                RejectReason.TOO_LONG,
                "prompt 8 + response 2 tokens exceed length.max 9; raise length.max (the model"
                    + " accepts up to 2048), or set length.overlong-prompt=truncate-left to cut the"
                    + " prompt's start"));
    assertThat(
            new LengthLimiter(5, 2048, OverlongPromptPolicy.TRUNCATE_LEFT).fit(PAIR).rejection())
        .isEqualTo(
            new Rejection(
                RejectReason.TOO_LONG,
                "prompt 8 + response 2 tokens exceed length.max 5 by 5, and only 4 prompt tokens"
                    + " can be cut (template and control tokens stay, and so does one prompt"
                    + " token); raise length.max (the model accepts up to 2048)"));
  }

  @Test
  void misconfigurationIsRefused() {
    assertThatThrownBy(() -> new LengthLimiter(1, OverlongPromptPolicy.REJECT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot create length limiter: maxLength must be at least 2, got 1");
    assertThatThrownBy(() -> new LengthLimiter(8, 7, OverlongPromptPolicy.REJECT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot create length limiter: the model's maximum length 7 is below maxLength 8");
    assertThatThrownBy(() -> new LengthLimiter(8, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot create length limiter: policy is null");
  }
}

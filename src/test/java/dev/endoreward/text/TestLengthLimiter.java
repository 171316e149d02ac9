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
      new EncodedPair(
          new int[] {1, 10, 21, 22, 23, 11, 24, 12},
          new boolean[] {false, false, true, true, true, false, true, false},
          new int[] {30, 31},
          false);

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
                "8 prompt + 2 response tokens exceed max length 5; truncation would drop 5"
                    + " prompt tokens but only 4 can be cut"));
  }

  @Test
  void theResponseIsNeverCutAndOnePromptTokenAlwaysStays() {
    EncodedPair allContent =
        new EncodedPair(new int[] {5, 6}, new boolean[] {true, true}, new int[] {7, 8, 9}, false);

    Outcome<EncodedPair> outcome =
        new LengthLimiter(3, OverlongPromptPolicy.TRUNCATE_LEFT).fit(allContent);

    assertThat(outcome.rejection())
        .isEqualTo(
            new Rejection(
                RejectReason.TOO_LONG,
                "2 prompt + 3 response tokens exceed max length 3; truncation would drop 2"
                    + " prompt tokens but only 1 can be cut"));
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
                RejectReason.TOO_LONG, "8 prompt + 2 response tokens exceed max length 9"));
  }

  @Test
  void misconfigurationIsRefused() {
    assertThatThrownBy(() -> new LengthLimiter(1, OverlongPromptPolicy.REJECT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot create length limiter: maxLength must be at least 2, got 1");
    assertThatThrownBy(() -> new LengthLimiter(8, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot create length limiter: policy is null");
  }
}

package dev.endoreward.text;

import java.util.Arrays;
import java.util.Objects;

/**
 * A pair as token ids: the prompt part, then the response part. The model input is their
 * concatenation.
 *
 * <p>The boundary between the two is a hard token boundary: no token spans it, and the prompt
 * ids never depend on the response, so responses to one prompt share identical prompt ids.
 *
 * @param promptIds BOS, template and prompt content tokens, in order
 * @param promptCuttable per prompt token: true where the token came entirely from system or
 *     prompt message content (it may be cut to fit a length limit), false for BOS, template
 *     and control tokens
 * @param responseIds the response content tokens; when the chat template closes the assistant
 *     turn with a control token, that token is the last one
 * @param fullPromptIds the prompt ids before any were dropped to fit a length limit: what identifies the
 *     prompt, whatever the response's length; the same array as {@code promptIds} when none were
 */
public record EncodedPair(
    int[] promptIds, boolean[] promptCuttable, int[] responseIds, int[] fullPromptIds) {

  public EncodedPair {
    Objects.requireNonNull(promptIds, "promptIds");
    Objects.requireNonNull(promptCuttable, "promptCuttable");
    Objects.requireNonNull(responseIds, "responseIds");
    Objects.requireNonNull(fullPromptIds, "fullPromptIds");
    if (promptIds.length != promptCuttable.length) {
      throw new IllegalArgumentException(
          "Cannot create encoded pair: "
              + promptIds.length
              + " prompt ids but "
              + promptCuttable.length
              + " cuttable flags");
    }
  }

  /** A pair whose prompt is whole. */
  public static EncodedPair untruncated(int[] promptIds, boolean[] promptCuttable, int[] responseIds) {
    return new EncodedPair(promptIds, promptCuttable, responseIds, promptIds);
  }

  /** Whether prompt content tokens were dropped to fit a length limit. */
  public boolean promptTruncated() {
    return fullPromptIds.length != promptIds.length;
  }

  /** Prompt plus response tokens. */
  public int length() {
    return promptIds.length + responseIds.length;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof EncodedPair that
        && Arrays.equals(promptIds, that.promptIds)
        && Arrays.equals(promptCuttable, that.promptCuttable)
        && Arrays.equals(responseIds, that.responseIds)
        && Arrays.equals(fullPromptIds, that.fullPromptIds);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        Arrays.hashCode(promptIds),
        Arrays.hashCode(promptCuttable),
        Arrays.hashCode(responseIds),
        Arrays.hashCode(fullPromptIds));
  }

  @Override
  public String toString() {
    return "EncodedPair[promptIds="
        + Arrays.toString(promptIds)
        + ", promptCuttable="
        + Arrays.toString(promptCuttable)
        + ", responseIds="
        + Arrays.toString(responseIds)
        + ", promptTruncated="
        + promptTruncated()
        + "]";
  }
}

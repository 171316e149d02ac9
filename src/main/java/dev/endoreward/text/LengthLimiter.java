package dev.endoreward.text;

import dev.endoreward.reward.Outcome;
import dev.endoreward.reward.RejectReason;

/**
 * Makes encoded pairs fit the model's context length.
 *
 * <p>A pair whose prompt plus response is at most {@code maxLength} tokens passes unchanged.
 * A longer one is either rejected as {@code TOO_LONG} ({@link OverlongPromptPolicy#REJECT}) or,
 * with {@link OverlongPromptPolicy#TRUNCATE_LEFT}, loses cuttable prompt tokens (those from
 * system or prompt content) from the left, earliest first, until it fits. BOS, template and
 * control tokens are kept, so the conversation keeps its shape. The response is never cut:
 * its reward is what is being measured. A pair that cannot fit even with every cuttable token
 * gone is rejected as {@code TOO_LONG}, with the numbers in the detail. At least one prompt
 * token always remains, because the first response token is predicted from it.
 *
 * <p>Truncation may split a character that was spelled with several byte tokens; the model
 * then sees a few stray bytes at the cut, which is the usual cost of left truncation.
 */
public final class LengthLimiter {
  private final int maxLength;
  private final int modelMaxLength;
  private final OverlongPromptPolicy policy;

  /**
   * A limiter at the model's own maximum length.
   *
   * @param maxLength the most tokens a pair may have, prompt and response together; at least 2
   * @param policy what to do with longer pairs
   */
  public LengthLimiter(int maxLength, OverlongPromptPolicy policy) {
    this(maxLength, maxLength, policy);
  }

  /**
   * @param maxLength the most tokens a pair may have, prompt and response together; at least 2
   * @param modelMaxLength the most the model accepts, at least {@code maxLength}: rejection details
   *     suggest raising {@code length.max} only when it is below this
   * @param policy what to do with longer pairs
   */
  public LengthLimiter(int maxLength, int modelMaxLength, OverlongPromptPolicy policy) {
    if (maxLength < 2) {
      throw new IllegalArgumentException(
          "Cannot create length limiter: maxLength must be at least 2, got " + maxLength);
    }
    if (modelMaxLength < maxLength) {
      throw new IllegalArgumentException("Cannot create length limiter: the model's maximum length "
          + modelMaxLength + " is below maxLength " + maxLength);
    }
    if (policy == null) {
      throw new IllegalArgumentException("Cannot create length limiter: policy is null");
    }
    this.maxLength = maxLength;
    this.modelMaxLength = modelMaxLength;
    this.policy = policy;
  }

  /** The pair unchanged if it fits, else truncated or rejected according to the policy. */
  public Outcome<EncodedPair> fit(EncodedPair pair) {
    int promptLength = pair.promptIds().length;
    int responseLength = pair.responseIds().length;
    int excess = promptLength + responseLength - maxLength;
    if (excess <= 0) {
      return Outcome.ok(pair);
    }
    String sizes = "prompt " + promptLength + " + response " + responseLength + " tokens exceed "
        + (maxLength < modelMaxLength ? "length.max " : "the model's maximum length ") + maxLength;
    String raise = maxLength < modelMaxLength
        ? "raise length.max (the model accepts up to " + modelMaxLength + ")"
        : null;
    if (policy == OverlongPromptPolicy.REJECT) {
      return Outcome.rejected(RejectReason.TOO_LONG, sizes + "; "
          + (raise == null ? "" : raise + ", or ")
          + "set length.overlong-prompt=truncate-left to cut the prompt's start");
    }
    int cuttable = Math.min(countCuttable(pair.promptCuttable()), promptLength - 1);
    if (cuttable < excess) {
      return Outcome.rejected(RejectReason.TOO_LONG, sizes + " by " + excess + ", and only " + cuttable
          + " prompt tokens can be cut (template and control tokens stay, and so does one prompt token); "
          + (raise == null ? "shorten the response or the conversation's turns" : raise));
    }
    return Outcome.ok(dropEarliestCuttable(pair, excess));
  }

  private static int countCuttable(boolean[] cuttable) {
    int count = 0;
    for (boolean flag : cuttable) {
      if (flag) {
        count++;
      }
    }
    return count;
  }

  private static EncodedPair dropEarliestCuttable(EncodedPair pair, int toDrop) {
    int[] ids = pair.promptIds();
    boolean[] cuttable = pair.promptCuttable();
    int[] keptIds = new int[ids.length - toDrop];
    boolean[] keptCuttable = new boolean[keptIds.length];
    int dropped = 0;
    int kept = 0;
    for (int i = 0; i < ids.length; i++) {
      if (cuttable[i] && dropped < toDrop) {
        dropped++;
      } else {
        keptIds[kept] = ids[i];
        keptCuttable[kept] = cuttable[i];
        kept++;
      }
    }
    return new EncodedPair(keptIds, keptCuttable, pair.responseIds(), pair.fullPromptIds());
  }
}

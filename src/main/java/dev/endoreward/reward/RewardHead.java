package dev.endoreward.reward;

import java.util.List;

/**
 * A causal LM reduced to the few floats per position the reward needs. Implementations run the
 * vocabulary reduction inside the model runtime; full logits never reach the caller.
 */
public interface RewardHead {

  /**
   * Runs one batch of unpadded token sequences.
   *
   * @param sequences token ids per row, each no longer than {@link #maxLength()}; rows may differ in
   *     length, and each row's outputs are independent of its batch mates
   * @return per-row outputs, trimmed to each row's length, in input order
   */
  List<HeadOutput> forward(List<int[]> sequences);

  /** The longest sequence the model accepts. */
  int maxLength();

  /**
   * The outputs at each position t of one sequence of length T.
   *
   * @param nextTokenLogits logit at t of the token at t + 1; 0 at the last position // [T]
   * @param logSumExps logsumexp over the vocabulary of the logits at t, float32 // [T]
   */
  record HeadOutput(float[] nextTokenLogits, float[] logSumExps) {}
}

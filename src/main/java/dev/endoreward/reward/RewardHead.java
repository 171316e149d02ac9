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
  default List<HeadOutput> forward(List<int[]> sequences) {
    return forward(sequences, new int[sequences.size()]);
  }

  /**
   * Runs one batch of unpadded token sequences, of which the caller reads each row's outputs from a given
   * position on. A head may skip the vocabulary reduction before it: the outputs there are then 0.
   *
   * @param sequences as for {@link #forward(List)}
   * @param firstPositions per row, the first position whose outputs the caller reads // [rows]
   * @return per-row outputs, trimmed to each row's length, in input order
   */
  List<HeadOutput> forward(List<int[]> sequences, int[] firstPositions);

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

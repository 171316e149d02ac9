package dev.endoreward.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.endoreward.reward.RewardHead;
import dev.endoreward.reward.RewardHead.HeadOutput;
import java.util.List;

/**
 * The exporter's own outputs on a few sequences ({@code selftest.json}), which every load compares with
 * what the runtime computes. It catches what hashes cannot: a runtime of another version, a broken GPU
 * stack, or an archive that was changed and re-hashed.
 *
 * @param inputIds unpadded token sequences // [N][T_i]
 * @param nextTokenLogit the exporter's next-token logits per position // [N][T_i]
 * @param logSumExp the exporter's logsumexps per position // [N][T_i]
 * @param tolerance the largest absolute difference a correct runtime may show, chosen by the exporter for
 *     the model's dtype
 */
public record SelfTest(
    @JsonProperty("input_ids") int[][] inputIds,
    @JsonProperty("next_token_logit") float[][] nextTokenLogit,
    @JsonProperty("logsumexp") float[][] logSumExp,
    @JsonProperty("tolerance") double tolerance) {

  /**
   * Why this self-test cannot be used, or null when it can.
   *
   * @param vocabSize the model's vocabulary size
   * @param maxLength the longest sequence the model accepts
   */
  String problem(int vocabSize, int maxLength) {
    if (inputIds == null || nextTokenLogit == null || logSumExp == null || inputIds.length == 0) {
      return "it lists no sequences";
    }
    if (!(tolerance > 0) || Double.isInfinite(tolerance)) {
      return "its tolerance " + tolerance + " is not a positive number";
    }
    if (nextTokenLogit.length != inputIds.length || logSumExp.length != inputIds.length) {
      return "it has " + inputIds.length + " sequences but outputs for " + nextTokenLogit.length + " and "
          + logSumExp.length;
    }
    for (int i = 0; i < inputIds.length; i++) {
      int length = inputIds[i] == null ? 0 : inputIds[i].length;
      if (length == 0 || length > maxLength) {
        return "sequence " + i + " has " + length + " tokens, outside 1 to " + maxLength;
      }
      if (nextTokenLogit[i] == null || logSumExp[i] == null || nextTokenLogit[i].length != length
          || logSumExp[i].length != length) {
        return "the outputs of sequence " + i + " do not have its " + length + " positions";
      }
      for (int id : inputIds[i]) {
        if (id < 0 || id >= vocabSize) {
          return "sequence " + i + " holds id " + id + ", outside the vocabulary";
        }
      }
    }
    return null;
  }

  /**
   * The largest absolute difference between the exporter's outputs and {@code head}'s on the same
   * sequences, batched together, over every position and, run again, from each sequence's middle on; NaN
   * when any output is not finite. A sequence's last next-token logit is left out: it has no next token of
   * its own, so it depends on the padding.
   */
  public double largestDifference(RewardHead head) {
    int[] fromStart = new int[inputIds.length]; // [N]
    int[] fromMiddle = new int[inputIds.length]; // [N]
    for (int i = 0; i < inputIds.length; i++) {
      fromMiddle[i] = inputIds[i].length / 2;
    }
    return Math.max(largestDifference(head, fromStart), largestDifference(head, fromMiddle));
  }

  private double largestDifference(RewardHead head, int[] firstPositions) {
    List<HeadOutput> outputs = head.forward(List.of(inputIds), firstPositions);
    double largest = 0;
    for (int i = 0; i < inputIds.length; i++) {
      int last = inputIds[i].length - 1;
      int first = firstPositions[i];
      largest = Math.max(largest,
          largestDifference(nextTokenLogit[i], outputs.get(i).nextTokenLogits(), first, last));
      largest = Math.max(largest, largestDifference(logSumExp[i], outputs.get(i).logSumExps(), first, last + 1));
    }
    return largest;
  }

  /** Whether the difference passes: at most the tolerance, and a number. */
  public boolean passes(double difference) {
    return difference <= tolerance;
  }

  /** Over the positions from {@code first} up to {@code end}, exclusive. */
  private static double largestDifference(float[] expected, float[] actual, int first, int end) {
    double largest = 0;
    for (int t = first; t < end; t++) {
      double difference = Math.abs((double) expected[t] - actual[t]);
      if (Double.isNaN(difference)) {
        return Double.NaN;
      }
      largest = Math.max(largest, difference);
    }
    return largest;
  }
}

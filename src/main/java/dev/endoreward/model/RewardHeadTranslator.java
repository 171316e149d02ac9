package dev.endoreward.model;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.endoreward.reward.RewardHead.HeadOutput;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The scoring path: the module's {@code forward}, which returns next-token logits and logsumexps at every
 * position, or its {@link ArtefactManifest#SCORE_FROM_METHOD} method, which returns them from each row's first
 * position on.
 */
final class RewardHeadTranslator extends PaddedBatchTranslator<HeadOutput> {
  private final long[] firstPositions;

  /** For {@code forward}. */
  RewardHeadTranslator(int padTokenId) {
    super(padTokenId, "forward");
    this.firstPositions = null;
  }

  /** For {@link ArtefactManifest#SCORE_FROM_METHOD}, from {@code firstPositions} on. */
  RewardHeadTranslator(int padTokenId, int[] firstPositions) {
    super(padTokenId, ArtefactManifest.SCORE_FROM_METHOD);
    this.firstPositions = Arrays.stream(firstPositions).asLongStream().toArray(); // [batch]
  }

  @Override
  NDList extraInputs(NDManager manager, int batch) {
    if (firstPositions == null) {
      return new NDList();
    }
    if (firstPositions.length != batch) {
      throw new IllegalArgumentException(
          "Cannot run a batch of " + batch + " rows with first positions for " + firstPositions.length);
    }
    return new NDList(manager.create(firstPositions, new Shape(batch)));
  }

  @Override
  List<HeadOutput> rows(NDList outputs, int[] lengths, int width) {
    float[] nextLogits = outputs.get(0).toFloatArray(); // [batch, width] float32, row-major
    float[] logSumExps = outputs.get(1).toFloatArray(); // [batch, width] float32
    List<HeadOutput> rows = new ArrayList<>(lengths.length);
    for (int b = 0; b < lengths.length; b++) {
      int from = b * width;
      float[] rowNext = Arrays.copyOfRange(nextLogits, from, from + lengths[b]);
      // Artefacts of exporter 0.1.0 give the logit of the pad id that follows a short row's last token in a
      // padded batch; that position has no next token of the row's own, so it is 0 as for the longest row.
      rowNext[lengths[b] - 1] = 0f;
      rows.add(new HeadOutput(rowNext, Arrays.copyOfRange(logSumExps, from, from + lengths[b])));
    }
    return rows;
  }
}

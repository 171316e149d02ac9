package dev.endoreward.model;

import ai.djl.ndarray.NDList;
import dev.endoreward.model.TorchRewardHead.GreedyOutput;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Greedy checks: the module's {@link ArtefactManifest#GREEDY_METHOD} method, which returns max logits and argmaxes. */
final class GreedyTranslator extends PaddedBatchTranslator<GreedyOutput> {

  GreedyTranslator(int padTokenId) {
    super(padTokenId, ArtefactManifest.GREEDY_METHOD);
  }

  @Override
  List<GreedyOutput> rows(NDList outputs, int[] lengths, int width) {
    float[] maxLogits = outputs.get(0).toFloatArray(); // [batch, width] float32, row-major
    long[] argmax = outputs.get(1).toLongArray(); // [batch, width] int64
    List<GreedyOutput> rows = new ArrayList<>(lengths.length);
    for (int b = 0; b < lengths.length; b++) {
      int from = b * width;
      int[] ids = new int[lengths[b]];
      for (int t = 0; t < ids.length; t++) {
        ids[t] = Math.toIntExact(argmax[from + t]);
      }
      rows.add(new GreedyOutput(Arrays.copyOfRange(maxLogits, from, from + lengths[b]), ids));
    }
    return rows;
  }
}

package dev.endoreward.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import dev.endoreward.reward.RewardHead.HeadOutput;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns unpadded token sequences into the exported module's inputs, and its reduced outputs back into
 * per-row arrays. Rows are right-padded with the pad id under a zero attention mask; positions past a
 * row's end are dropped, so padding never reaches a result.
 */
final class RewardHeadTranslator implements NoBatchifyTranslator<List<int[]>, List<HeadOutput>> {
  private static final String LENGTHS = "lengths";

  private final int padTokenId;

  RewardHeadTranslator(int padTokenId) {
    this.padTokenId = padTokenId;
  }

  @Override
  public NDList processInput(TranslatorContext ctx, List<int[]> sequences) {
    int batch = sequences.size();
    int[] lengths = new int[batch];
    int width = 0;
    for (int b = 0; b < batch; b++) {
      lengths[b] = sequences.get(b).length;
      width = Math.max(width, lengths[b]);
    }
    long[] ids = new long[batch * width]; // [batch, width], row-major
    long[] mask = new long[batch * width]; // [batch, width]
    Arrays.fill(ids, padTokenId);
    for (int b = 0; b < batch; b++) {
      int[] row = sequences.get(b);
      for (int t = 0; t < row.length; t++) {
        ids[b * width + t] = row[t];
        mask[b * width + t] = 1;
      }
    }
    ctx.setAttachment(LENGTHS, lengths);
    NDManager manager = ctx.getNDManager();
    Shape shape = new Shape(batch, width);
    return new NDList(manager.create(ids, shape), manager.create(mask, shape));
  }

  @Override
  public List<HeadOutput> processOutput(TranslatorContext ctx, NDList outputs) {
    int[] lengths = (int[]) ctx.getAttachment(LENGTHS);
    NDArray nextLogits = outputs.get(0); // [batch, width] float32
    NDArray logSumExps = outputs.get(1); // [batch, width] float32
    int width = (int) nextLogits.getShape().get(1);
    float[] flatNext = nextLogits.toFloatArray();
    float[] flatLse = logSumExps.toFloatArray();
    List<HeadOutput> rows = new ArrayList<>(lengths.length);
    for (int b = 0; b < lengths.length; b++) {
      int from = b * width;
      float[] rowNext = Arrays.copyOfRange(flatNext, from, from + lengths[b]);
      // In a padded batch the module sees a pad id after a short row's last token; that position has
      // no next token of the row's own, so it is 0 as for the batch's longest row.
      rowNext[lengths[b] - 1] = 0f;
      rows.add(new HeadOutput(rowNext, Arrays.copyOfRange(flatLse, from, from + lengths[b])));
    }
    return rows;
  }
}

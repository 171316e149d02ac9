package dev.endoreward.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import java.util.Arrays;
import java.util.List;

/**
 * Turns unpadded token sequences into one of the exported module's methods' inputs, and its per-position
 * outputs back into per-row results. Rows are right-padded with the pad id under a zero attention mask;
 * positions past a row's end are dropped, so padding never reaches a result.
 *
 * @param <O> one row's result
 */
abstract class PaddedBatchTranslator<O> implements NoBatchifyTranslator<List<int[]>, List<O>> {
  /**
   * DJL's PyTorch engine calls the module's method of this name, rather than {@code forward}, when an input
   * array is named {@code module_method:<name>}; that array is not passed to the method.
   */
  private static final String METHOD_PREFIX = "module_method:";
  private static final String LENGTHS = "lengths";

  private final int padTokenId;
  private final String method;

  /**
   * @param method the module's method to run; {@code forward} needs no marker
   */
  PaddedBatchTranslator(int padTokenId, String method) {
    this.padTokenId = padTokenId;
    this.method = method;
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
    NDList inputs = new NDList(manager.create(ids, shape), manager.create(mask, shape));
    inputs.addAll(extraInputs(manager, batch));
    if (!"forward".equals(method)) {
      NDArray marker = manager.create(0);
      marker.setName(METHOD_PREFIX + method);
      inputs.add(marker);
    }
    return inputs;
  }

  /** The method's inputs after {@code input_ids} and {@code attention_mask}; none by default. */
  NDList extraInputs(NDManager manager, int batch) {
    return new NDList();
  }

  @Override
  public List<O> processOutput(TranslatorContext ctx, NDList outputs) {
    int[] lengths = (int[]) ctx.getAttachment(LENGTHS);
    return rows(outputs, lengths, (int) outputs.get(0).getShape().get(1));
  }

  /**
   * Each row's result from the method's outputs, each [batch, width].
   *
   * @param lengths each row's number of tokens // [batch]
   */
  abstract List<O> rows(NDList outputs, int[] lengths, int width);
}

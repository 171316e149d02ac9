package dev.endoreward.model;

import ai.djl.MalformedModelException;
import ai.djl.inference.Predictor;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;
import dev.endoreward.reward.RewardHead;
import java.io.IOException;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.logging.Logger;

/**
 * The exported TorchScript reward head, run by DJL's PyTorch engine. One instance holds the loaded
 * weights and may be shared by threads: each {@link #forward} call uses its own predictor.
 */
public final class TorchRewardHead implements RewardHead, AutoCloseable {
  private static final Logger LOG = Logger.getLogger(TorchRewardHead.class.getName());

  private final ModelArtefact artefact;
  private final DeviceSpec device;
  private final ZooModel<List<int[]>, List<HeadOutput>> model;

  private TorchRewardHead(ModelArtefact artefact, DeviceSpec device, ZooModel<List<int[]>, List<HeadOutput>> model) {
    this.artefact = artefact;
    this.device = device;
    this.model = model;
  }

  /**
   * Loads the artefact's module onto {@code device}.
   *
   * @throws IllegalArgumentException "Cannot load model ..." when the engine rejects the module, or when the
   *     module's outputs on the artefact's self-test differ from the exporter's
   * @throws IllegalStateException when a GPU was asked for but the engine cannot see it
   */
  @SuppressWarnings("unchecked")
  public static TorchRewardHead load(ModelArtefact artefact, DeviceSpec device) {
    long start = System.nanoTime();
    Criteria<List<int[]>, List<HeadOutput>> criteria = Criteria.builder()
        .setTypes((Class<List<int[]>>) (Class<?>) List.class, (Class<List<HeadOutput>>) (Class<?>) List.class)
        .optModelPath(artefact.directory())
        .optModelName("model")
        .optEngine("PyTorch")
        .optDevice(device.toDjlDevice())
        .optOption("mapLocation", "true")
        .optTranslator(new RewardHeadTranslator(artefact.manifest().padTokenId()))
        .build();
    try {
      ZooModel<List<int[]>, List<HeadOutput>> model = criteria.loadModel();
      TorchRewardHead head = new TorchRewardHead(artefact, device, model);
      head.runSelfTest();
      LOG.info(String.format("Loaded model %s on %s in %.2f s", artefact.directory(), device,
          (System.nanoTime() - start) / 1e9));
      return head;
    } catch (IOException | ModelNotFoundException | MalformedModelException e) {
      throw ModelArtefact.cannotLoad(artefact.directory(), "the PyTorch engine rejected model.pt: " + e.getMessage());
    }
  }

  /**
   * Runs one forward pass on {@code rows} sequences of {@code length} tokens and discards its outputs. The
   * runtime's first pass on a module is its slowest (the TorchScript executor profiles and optimises the graph;
   * the allocator maps the activations' memory for the first time): run once after loading, on the largest
   * batch the engine will run, it is paid at load time rather than by the first batch of real work. It changes
   * no result.
   */
  public void warmUp(int rows, int length) {
    long start = System.nanoTime();
    int[] sequence = new int[length];
    Arrays.fill(sequence, artefact.manifest().bosTokenId());
    forward(Collections.nCopies(rows, sequence)); // [rows, length]
    LOG.info(String.format("Warmed up model %s on %s with %d x %d tokens in %.2f s", artefact.directory(), device,
        rows, length, (System.nanoTime() - start) / 1e9));
  }

  @Override
  public List<HeadOutput> forward(List<int[]> sequences) {
    return run(sequences, new RewardHeadTranslator(artefact.manifest().padTokenId()));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Artefacts with the {@link ArtefactManifest#SCORE_FROM_METHOD} method compute no logits before each row's
   * first position; older ones run {@code forward}, whose outputs are there too.
   */
  @Override
  public List<HeadOutput> forward(List<int[]> sequences, int[] firstPositions) {
    if (!artefact.manifest().hasScoreFrom()) {
      return forward(sequences);
    }
    return run(sequences, new RewardHeadTranslator(artefact.manifest().padTokenId(), firstPositions));
  }

  /**
   * The module's greedy method on one batch of unpadded token sequences, for greedy checks (not the scoring
   * path): at each position, the largest logit and its token id.
   *
   * @return per-row outputs, trimmed to each row's length, in input order
   * @throws IllegalStateException when the artefact was exported without the greedy method
   */
  public List<GreedyOutput> greedy(List<int[]> sequences) {
    if (!artefact.manifest().hasGreedy()) {
      throw new IllegalStateException("Cannot run greedy on model " + artefact.directory()
          + ": it was exported without the " + ArtefactManifest.GREEDY_METHOD
          + " method; export it again with jobs/export-model.sh");
    }
    return run(sequences, new GreedyTranslator(artefact.manifest().padTokenId()));
  }

  /** One batch of unpadded sequences through one of the module's methods, as {@code translator} calls it. */
  private <O> List<O> run(List<int[]> sequences, PaddedBatchTranslator<O> translator) {
    checkLengths(sequences);
    try (Predictor<List<int[]>, List<O>> predictor = model.newPredictor(translator)) {
      return predictor.predict(sequences);
    } catch (TranslateException e) {
      throw cannotRun(e);
    }
  }

  /**
   * The greedy method's outputs at each position t of one sequence of length T.
   *
   * @param maxLogits the largest logit at t, float32 // [T]
   * @param argmax the id of that logit, the greedy continuation after position t // [T]
   */
  public record GreedyOutput(float[] maxLogits, int[] argmax) {}

  private void checkLengths(List<int[]> sequences) {
    for (int[] sequence : sequences) {
      if (sequence.length == 0 || sequence.length > maxLength()) {
        throw new IllegalArgumentException("Cannot run a sequence of " + sequence.length
            + " tokens: the model takes 1 to " + maxLength());
      }
    }
  }

  private IllegalStateException cannotRun(TranslateException e) {
    return new IllegalStateException("Cannot run model " + artefact.directory() + " on " + device + ": "
        + e.getMessage(), e);
  }

  /** Compares this module's outputs with the exporter's; a mismatch closes it. */
  private void runSelfTest() {
    SelfTest selfTest = artefact.selfTest();
    double difference;
    try {
      difference = selfTest.largestDifference(this);
    } catch (RuntimeException e) {
      close();
      throw ModelArtefact.cannotLoad(artefact.directory(), "it fails to run on " + device + ": " + e.getMessage());
    }
    if (!selfTest.passes(difference)) {
      close();
      throw ModelArtefact.cannotLoad(artefact.directory(), String.format(
          "its outputs on %s differ from the exporter's by %s (at most %.3g is allowed); check that the runtime"
              + " is libtorch 2.7.1 and that the device works, or export the model again",
          device, Double.isNaN(difference) ? "NaN" : String.format("%.3g", difference), selfTest.tolerance()));
    }
  }

  @Override
  public int maxLength() {
    return artefact.manifest().maxLength();
  }

  public ModelArtefact artefact() {
    return artefact;
  }

  public DeviceSpec device() {
    return device;
  }

  @Override
  public void close() {
    model.close();
  }
}

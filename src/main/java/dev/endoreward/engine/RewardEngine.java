package dev.endoreward.engine;

import dev.endoreward.batch.BatchScorer;
import dev.endoreward.batch.TokenBudget;
import dev.endoreward.model.DeviceSpec;
import dev.endoreward.model.ModelArtefact;
import dev.endoreward.model.TorchRewardHead;
import dev.endoreward.reward.EndogenousReward;
import dev.endoreward.text.LengthLimiter;
import dev.endoreward.text.PairEncoder;
import java.util.List;

/**
 * Scores prompt/response pairs with one exported model: the entry point for Java users.
 *
 * <pre>{@code
 * EngineOptions options = ScoreConfig.forLibrary(Map.of("model.path", "model")).engineOptions();
 * try (RewardEngine engine = RewardEngine.open(options)) {
 *   List<Outcome<ScoredPair>> results = engine.newScorer().score(List.of(
 *       PairInput.of(null, "What is 2 + 2?", "4")));
 * }
 * }</pre>
 *
 * <p>The engine holds the loaded model and the tokenizer and may be shared by threads; each thread
 * takes its own {@link BatchScorer} from {@link #newScorer()}.
 */
public final class RewardEngine implements AutoCloseable {
  /** The largest module {@link #check} loads to run its self-test: one that loads in about a second. */
  public static final long CHEAP_MODULE_BYTES = 256L << 20;

  private final EngineOptions options;
  private final ModelArtefact artefact;
  private final PairEncoder encoder;
  private final TorchRewardHead head;
  private final boolean ownsHead;
  private final int maxLength;

  private RewardEngine(EngineOptions options, ModelArtefact artefact, PairEncoder encoder, TorchRewardHead head,
      boolean ownsHead, int maxLength) {
    this.options = options;
    this.artefact = artefact;
    this.encoder = encoder;
    this.head = head;
    this.ownsHead = ownsHead;
    this.maxLength = maxLength;
  }

  /**
   * Verifies the artefact, opens its tokenizer, loads the model onto the configured device and, on a GPU, warms
   * it up ({@link #warmUpWhereItHelps}).
   *
   * @throws IllegalArgumentException "Cannot ..." when the artefact or the options are unusable
   */
  public static RewardEngine open(EngineOptions options) {
    ModelArtefact artefact = ModelArtefact.open(options.artefactPath());
    int maxLength = options.maxLengthOn(artefact.manifest().maxLength());
    PairEncoder encoder = openEncoder(options, artefact);
    try {
      TorchRewardHead head = TorchRewardHead.load(artefact, options.device().resolve(List.of()));
      try {
        warmUpWhereItHelps(head, options);
      } catch (RuntimeException e) {
        head.close();
        throw e;
      }
      return new RewardEngine(options, artefact, encoder, head, true, maxLength);
    } catch (RuntimeException e) {
      encoder.close();
      throw e;
    }
  }

  /**
   * Warms {@code head} up ({@link #warmUp}) when it runs on a GPU, whose first passes initialise the CUDA
   * libraries and the caching allocator. On the CPU the warm-up saved nothing measurable on the first pass over
   * the input and cost 1.5 to 3.1 s on stories260K, so a CPU module is not warmed up.
   */
  public static void warmUpWhereItHelps(TorchRewardHead head, EngineOptions options) {
    if (head.device().isGpu()) {
      warmUp(head, options);
    }
  }

  /**
   * Warms {@code head} up ({@link TorchRewardHead#warmUp}) on the largest batch of the options' token budget:
   * its longest sequences, as many rows of them as the budget allows.
   */
  public static void warmUp(TorchRewardHead head, EngineOptions options) {
    TokenBudget budget = options.budget();
    int length = Math.min(options.maxLengthOn(head.maxLength()), budget.maxTokensPerBatch());
    head.warmUp(Math.max(1, Math.min(budget.maxRowsPerBatch(), budget.maxTokensPerBatch() / length)), length);
  }

  /**
   * An engine on a module that {@link EngineCache} loaded and keeps: closing the engine leaves the module
   * loaded for the other engines that share it.
   */
  static RewardEngine onSharedModule(EngineOptions options, TorchRewardHead module) {
    ModelArtefact artefact = module.artefact();
    int maxLength = options.maxLengthOn(artefact.manifest().maxLength());
    return new RewardEngine(options, artefact, openEncoder(options, artefact), module, false, maxLength);
  }

  /**
   * Makes the checks of {@link #open} that need no accelerator and little memory: what a Spark driver
   * does before any executor work. A module of at most {@link #CHEAP_MODULE_BYTES} is also loaded on the
   * CPU for its self-test; a larger one is only checked to be a TorchScript archive, and runs its
   * self-test where it is loaded.
   *
   * @throws IllegalArgumentException "Cannot ..." when the artefact or the options are unusable
   */
  public static ModelDescription check(EngineOptions options) {
    ModelArtefact artefact = ModelArtefact.open(options.artefactPath());
    options.maxLengthOn(artefact.manifest().maxLength());
    try (PairEncoder encoder = openEncoder(options, artefact)) {
      if (artefact.moduleBytes() <= CHEAP_MODULE_BYTES) {
        TorchRewardHead.load(artefact, DeviceSpec.CPU).close();
      }
      return ModelDescription.of(artefact, encoder);
    }
  }

  private static PairEncoder openEncoder(EngineOptions options, ModelArtefact artefact) {
    PairEncoder encoder =
        PairEncoder.open(artefact.directory(), options.templateMode(), options.templateVariables());
    try {
      artefact.checkCovers(encoder.vocabularySize());
      return encoder;
    } catch (RuntimeException e) {
      encoder.close();
      throw e;
    }
  }

  /** A scorer for one thread; scorers share this engine's model and tokenizer. */
  public BatchScorer newScorer() {
    LengthLimiter lengthLimiter =
        new LengthLimiter(maxLength, artefact.manifest().maxLength(), options.overlongPromptPolicy());
    return new BatchScorer(encoder, lengthLimiter, options.budget(), head, new EndogenousReward(options.reward()));
  }

  public EngineOptions options() {
    return options;
  }

  public ModelArtefact artefact() {
    return artefact;
  }

  public PairEncoder encoder() {
    return encoder;
  }

  @Override
  public void close() {
    encoder.close();
    if (ownsHead) {
      head.close();
    }
  }
}

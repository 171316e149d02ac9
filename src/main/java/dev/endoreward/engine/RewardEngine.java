package dev.endoreward.engine;

import dev.endoreward.batch.BatchScorer;
import dev.endoreward.batch.Scorer;
import dev.endoreward.model.ModelArtefact;
import dev.endoreward.model.TorchRewardHead;
import dev.endoreward.reward.EndogenousReward;
import dev.endoreward.reward.RewardHead;
import dev.endoreward.text.LengthLimiter;
import dev.endoreward.text.PairEncoder;
import dev.endoreward.text.TemplateMode;

/**
 * Scores prompt/response pairs with one exported model: the entry point for Java users.
 *
 * <pre>{@code
 * try (RewardEngine engine = RewardEngine.open(EngineOptions.defaults(Path.of("model")))) {
 *   List<Outcome<ScoredPair>> results = engine.newScorer().score(List.of(
 *       PairInput.of(null, "What is 2 + 2?", "4")));
 * }
 * }</pre>
 *
 * <p>The engine holds the loaded model and the tokenizer and may be shared by threads; each thread
 * takes its own {@link Scorer} from {@link #newScorer()}.
 */
public final class RewardEngine implements AutoCloseable {
  private final EngineOptions options;
  private final ModelArtefact artefact;
  private final PairEncoder encoder;
  private final RewardHead head;
  private final TorchRewardHead ownedHead;
  private final int maxLength;

  private RewardEngine(EngineOptions options, ModelArtefact artefact, PairEncoder encoder, RewardHead head,
      TorchRewardHead ownedHead, int maxLength) {
    this.options = options;
    this.artefact = artefact;
    this.encoder = encoder;
    this.head = head;
    this.ownedHead = ownedHead;
    this.maxLength = maxLength;
  }

  /**
   * Verifies the artefact, opens its tokenizer and loads the model onto the configured device.
   *
   * @throws IllegalArgumentException "Cannot ..." when the artefact or the options are unusable
   */
  public static RewardEngine open(EngineOptions options) {
    ModelArtefact artefact = ModelArtefact.open(options.artefactPath());
    int maxLength = checkLengths(options, artefact);
    PairEncoder encoder = PairEncoder.open(artefact.directory(), templateMode(options, artefact));
    try {
      TorchRewardHead head = TorchRewardHead.load(artefact, options.device());
      return new RewardEngine(options, artefact, encoder, head, head, maxLength);
    } catch (RuntimeException e) {
      encoder.close();
      throw e;
    }
  }

  /**
   * Like {@link #open(EngineOptions)}, but runs on an already loaded head that the caller owns and
   * closes (the executor-wide model cache).
   */
  public static RewardEngine withSharedHead(EngineOptions options, ModelArtefact artefact, RewardHead sharedHead) {
    int maxLength = checkLengths(options, artefact);
    PairEncoder encoder = PairEncoder.open(artefact.directory(), templateMode(options, artefact));
    return new RewardEngine(options, artefact, encoder, sharedHead, null, maxLength);
  }

  /** The template mode the options ask for, or the artefact's natural one. */
  public static TemplateMode templateMode(EngineOptions options, ModelArtefact artefact) {
    if (options.templateMode() != null) {
      return options.templateMode();
    }
    return artefact.hasChatTemplate() ? TemplateMode.CHAT_TEMPLATE : TemplateMode.PLAIN;
  }

  private static int checkLengths(EngineOptions options, ModelArtefact artefact) {
    int modelMax = artefact.manifest().maxLength();
    if (options.maxLength() > modelMax) {
      throw new IllegalArgumentException("Cannot use max length " + options.maxLength() + ": the model "
          + artefact.directory() + " accepts at most " + modelMax + " tokens");
    }
    return options.maxLength() == 0 ? modelMax : options.maxLength();
  }

  /** A scorer for one thread; scorers share this engine's model and tokenizer. */
  public BatchScorer newScorer() {
    return new BatchScorer(encoder, new LengthLimiter(maxLength, options.overlongPromptPolicy()), options.budget(),
        head, new EndogenousReward(options.reward()));
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

  /** The longest sequence this engine scores. */
  public int maxLength() {
    return maxLength;
  }

  @Override
  public void close() {
    encoder.close();
    if (ownedHead != null) {
      ownedHead.close();
    }
  }
}

package dev.endoreward.engine;

import dev.endoreward.batch.BatchScorer;
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
  private final EngineOptions options;
  private final ModelArtefact artefact;
  private final PairEncoder encoder;
  private final TorchRewardHead head;
  private final int maxLength;

  private RewardEngine(EngineOptions options, ModelArtefact artefact, PairEncoder encoder, TorchRewardHead head,
      int maxLength) {
    this.options = options;
    this.artefact = artefact;
    this.encoder = encoder;
    this.head = head;
    this.maxLength = maxLength;
  }

  /**
   * Verifies the artefact, opens its tokenizer and loads the model onto the configured device.
   *
   * @throws IllegalArgumentException "Cannot ..." when the artefact or the options are unusable
   */
  public static RewardEngine open(EngineOptions options) {
    ModelArtefact artefact = ModelArtefact.open(options.artefactPath());
    int maxLength = options.maxLengthOn(artefact.manifest().maxLength());
    PairEncoder encoder = openEncoder(options, artefact);
    try {
      TorchRewardHead head = TorchRewardHead.load(artefact, options.device().resolve(List.of()));
      return new RewardEngine(options, artefact, encoder, head, maxLength);
    } catch (RuntimeException e) {
      encoder.close();
      throw e;
    }
  }

  /**
   * Makes every check of {@link #open} except loading the model, which needs no accelerator and little
   * memory: what a Spark driver does before any executor work.
   *
   * @throws IllegalArgumentException "Cannot ..." when the artefact or the options are unusable
   */
  public static ModelDescription check(EngineOptions options) {
    ModelArtefact artefact = ModelArtefact.open(options.artefactPath());
    options.maxLengthOn(artefact.manifest().maxLength());
    try (PairEncoder encoder = openEncoder(options, artefact)) {
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

  @Override
  public void close() {
    encoder.close();
    head.close();
  }
}

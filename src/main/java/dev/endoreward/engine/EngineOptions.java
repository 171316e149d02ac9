package dev.endoreward.engine;

import dev.endoreward.batch.TokenBudget;
import dev.endoreward.model.DeviceSpec;
import dev.endoreward.reward.RewardOptions;
import dev.endoreward.text.OverlongPromptPolicy;
import dev.endoreward.text.TemplateMode;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Everything the engine needs to score pairs with one exported model.
 *
 * <p>Serializable, so that a Spark job can ship it to executors, which load the model themselves.
 *
 * @param artefactDir the exported model folder, readable at this path wherever the engine opens
 * @param device where the model runs
 * @param templateMode how prompt and response become text; null picks the chat template when the
 *     tokenizer has one and plain text otherwise
 * @param reward alpha, gamma and the terminal value
 * @param budget the token budget of one forward pass
 * @param maxLength the longest scored sequence; 0 means the model's own maximum
 * @param overlongPromptPolicy what to do with a prompt that does not fit
 */
public record EngineOptions(
    String artefactDir,
    DeviceSpec device,
    TemplateMode templateMode,
    RewardOptions reward,
    TokenBudget budget,
    int maxLength,
    OverlongPromptPolicy overlongPromptPolicy) implements Serializable {

  public EngineOptions {
    Objects.requireNonNull(artefactDir, "artefactDir");
    Objects.requireNonNull(device, "device");
    Objects.requireNonNull(reward, "reward");
    Objects.requireNonNull(budget, "budget");
    Objects.requireNonNull(overlongPromptPolicy, "overlongPromptPolicy");
    if (maxLength < 0) {
      throw new IllegalArgumentException("Cannot use max length " + maxLength + ": it must be 0 (the model's) or more");
    }
  }

  /** Defaults for everything but the model: CPU, automatic template, paper's reward, default budget. */
  public static EngineOptions defaults(Path artefactDir) {
    return new EngineOptions(artefactDir.toString(), DeviceSpec.CPU, null, RewardOptions.defaults(),
        TokenBudget.of(TokenBudget.MAX_TOKENS_PER_BATCH_DEFAULT, TokenBudget.MAX_ROWS_PER_BATCH_DEFAULT), 0,
        OverlongPromptPolicy.TRUNCATE_LEFT);
  }

  /** The artefact folder as a path. */
  public Path artefactPath() {
    return Path.of(artefactDir);
  }
}

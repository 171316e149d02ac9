package dev.endoreward.engine;

import dev.endoreward.Rule;
import dev.endoreward.batch.TokenBudget;
import dev.endoreward.model.DeviceSpec;
import dev.endoreward.reward.RewardOptions;
import dev.endoreward.text.OverlongPromptPolicy;
import dev.endoreward.text.TemplateMode;
import dev.endoreward.text.TemplateVariables;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Everything the engine needs to score pairs with one exported model. Built from the {@code score}
 * configuration ({@code ScoreConfig.engineOptions()}), which holds every default.
 *
 * <p>Serializable, so that a Spark job can ship it to executors, which load the model themselves.
 *
 * @param artefactDir the exported model folder, readable at this path wherever the engine opens
 * @param device where the model runs; {@code auto} and {@code gpu} are resolved without Spark's GPU
 *     assignment, to the CPU and GPU 0
 * @param templateMode how prompt and response become text
 * @param reward alpha, gamma and the terminal value
 * @param budget the token budget of one forward pass
 * @param maxLength the longest scored sequence; 0 means the model's own maximum. See {@link #MAX_LENGTH}.
 * @param overlongPromptPolicy what to do with a prompt that does not fit
 * @param templateVariables extra variables for the chat template, such as {@code enable_thinking}
 */
public record EngineOptions(
    String artefactDir,
    DeviceSpec device,
    TemplateMode templateMode,
    RewardOptions reward,
    TokenBudget budget,
    int maxLength,
    OverlongPromptPolicy overlongPromptPolicy,
    TemplateVariables templateVariables) implements Serializable {

  public static final Rule<Integer> MAX_LENGTH = Rule.atLeast(0, "the model's maximum");

  public EngineOptions {
    Objects.requireNonNull(artefactDir, "artefactDir");
    Objects.requireNonNull(device, "device");
    Objects.requireNonNull(templateMode, "templateMode");
    Objects.requireNonNull(reward, "reward");
    Objects.requireNonNull(budget, "budget");
    Objects.requireNonNull(overlongPromptPolicy, "overlongPromptPolicy");
    Objects.requireNonNull(templateVariables, "templateVariables");
    MAX_LENGTH.check("max length", maxLength);
  }

  /** These options on another device, e.g. the one a task resolved {@code auto} to. */
  public EngineOptions withDevice(DeviceSpec other) {
    return new EngineOptions(artefactDir, other, templateMode, reward, budget, maxLength, overlongPromptPolicy,
        templateVariables);
  }

  /** The artefact folder as a path. */
  public Path artefactPath() {
    return Path.of(artefactDir);
  }

  /**
   * The longest sequence these options score on a model that accepts {@code modelMaxLength} tokens.
   *
   * @throws IllegalArgumentException "Cannot ..." when the model accepts fewer tokens than asked for, or
   *     when a sequence of that length would not fit in one forward pass of the token budget
   */
  public int maxLengthOn(int modelMaxLength) {
    if (maxLength > modelMaxLength) {
      throw new IllegalArgumentException("Cannot score sequences of up to " + maxLength + " tokens (length.max): the"
          + " model " + artefactDir + " accepts at most " + modelMaxLength);
    }
    int longest = maxLength == 0 ? modelMaxLength : maxLength;
    if (budget.maxTokensPerBatch() < longest) {
      throw new IllegalArgumentException("Cannot fit a sequence of up to " + longest + " tokens in a forward pass of "
          + budget.maxTokensPerBatch() + " tokens: raise batch.max-tokens to at least " + longest
          + (maxLength == 0 ? ", or set length.max lower than the model's maximum" : ", or lower length.max"));
    }
    return longest;
  }
}

package dev.endoreward.spark.config;

import dev.endoreward.engine.EngineOptions;
import dev.endoreward.model.DeviceSpec;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * The validated configuration of one {@code score} run. It holds no Spark types, so the driver validates
 * it before starting Spark, and it is serializable, so executors receive it whole and build their
 * engine options from it with {@link #toEngineOptions(DeviceSpec)}.
 *
 * @param model the model and its device
 * @param input the pairs to score
 * @param output where results go
 * @param template how pairs become text
 * @param reward alpha, gamma and the terminal value
 * @param batch the token budget and chunking
 * @param length the longest sequence and the overlong-prompt policy
 * @param job partitioning and progress
 * @param engineThreads intra-op threads per task on the CPU; 0 means cores divided by concurrent tasks
 */
public record ScoreConfig(
    ModelConfig model,
    InputConfig input,
    OutputConfig output,
    TemplateChoice template,
    RewardConfig reward,
    BatchConfig batch,
    LengthConfig length,
    JobConfig job,
    int engineThreads) implements Serializable {

  public ScoreConfig {
    if (model == null || input == null || output == null || template == null || reward == null || batch == null
        || length == null || job == null) {
      throw new IllegalArgumentException("Cannot build a score configuration with a missing section");
    }
    if (engineThreads < 0) {
      throw new IllegalArgumentException("Cannot set " + ScoreKeys.ENGINE_THREADS + " to '" + engineThreads
          + "': it must be 0 (cores divided by concurrent tasks) or more");
    }
    if (length.max() > 0 && batch.maxTokens() < length.max()) {
      throw new IllegalArgumentException("Cannot set " + ScoreKeys.BATCH_MAX_TOKENS + " to '" + batch.maxTokens()
          + "': it must be at least " + ScoreKeys.LENGTH_MAX + " (" + length.max()
          + ") so that a sequence of the longest allowed length fits in one forward pass");
    }
  }

  /**
   * Parses and validates configuration values. Absent keys take their defaults from {@link ScoreKeys}; an
   * empty value means unset.
   *
   * @throws IllegalArgumentException "Cannot ..." naming the first unknown key or bad value
   */
  public static ScoreConfig fromMap(Map<String, String> values) {
    return ScoreConfigParser.parse(values);
  }

  /**
   * Every key with its canonical value, sorted by key; unset optional keys map to the empty string.
   * {@code fromMap(asMap())} equals this configuration.
   */
  public Map<String, String> asMap() {
    Map<String, String> values = new TreeMap<>();
    values.put(ScoreKeys.MODEL_PATH, model.path());
    values.put(ScoreKeys.MODEL_DEVICE, ConfigText.of(model.device()));
    values.put(ScoreKeys.INPUT_PATH, input.path());
    values.put(ScoreKeys.INPUT_FORMAT, ConfigText.of(input.format()));
    InputColumns columns = input.columns();
    values.put(ScoreKeys.INPUT_COLUMN_ID, columns.id());
    values.put(ScoreKeys.INPUT_COLUMN_PROMPT, orEmpty(columns.prompt()));
    values.put(ScoreKeys.INPUT_COLUMN_RESPONSE, orEmpty(columns.response()));
    values.put(ScoreKeys.INPUT_COLUMN_MESSAGES, orEmpty(columns.messages()));
    values.put(ScoreKeys.INPUT_COLUMN_SYSTEM, orEmpty(columns.system()));
    values.put(ScoreKeys.INPUT_COLUMN_PROMPT_ID, orEmpty(columns.promptId()));
    values.put(ScoreKeys.INPUT_SYSTEM_PROMPT, orEmpty(input.systemPrompt()));
    values.put(ScoreKeys.OUTPUT_PATH, output.path());
    values.put(ScoreKeys.OUTPUT_MODE, ConfigText.of(output.mode()));
    values.put(ScoreKeys.OUTPUT_TOKEN_LEVEL, Boolean.toString(output.tokenLevel()));
    values.put(ScoreKeys.OUTPUT_PROMPT_TOKEN_IDS, Boolean.toString(output.promptTokenIds()));
    values.put(ScoreKeys.TEMPLATE_MODE, ConfigText.of(template));
    values.put(ScoreKeys.REWARD_ALPHA, Double.toString(reward.alpha()));
    values.put(ScoreKeys.REWARD_GAMMA, Double.toString(reward.gamma()));
    values.put(ScoreKeys.REWARD_TERMINAL, ConfigText.of(reward.terminal()));
    values.put(ScoreKeys.BATCH_MAX_TOKENS, Integer.toString(batch.maxTokens()));
    values.put(ScoreKeys.BATCH_MAX_ROWS, Integer.toString(batch.maxRows()));
    values.put(ScoreKeys.BATCH_SORT_BY_LENGTH, Boolean.toString(batch.sortByLength()));
    values.put(ScoreKeys.BATCH_CHUNK_ROWS, Integer.toString(batch.chunkRows()));
    values.put(ScoreKeys.LENGTH_MAX, Integer.toString(length.max()));
    values.put(ScoreKeys.LENGTH_OVERLONG_PROMPT, ConfigText.of(length.overlongPrompt()));
    values.put(ScoreKeys.JOB_PARTITIONS, Integer.toString(job.partitions()));
    values.put(ScoreKeys.JOB_PROGRESS, Boolean.toString(job.progress()));
    values.put(ScoreKeys.ENGINE_THREADS, Integer.toString(engineThreads));
    return Collections.unmodifiableMap(values);
  }

  /**
   * The lower-case hex SHA-256 of the canonical text: one line {@code key=value\n} per entry of
   * {@link #asMap()}, in key order, UTF-8, with {@code \} written {@code \\}, line feeds {@code \n} and
   * carriage returns {@code \r} so that every entry stays on its line. Equal configurations have equal
   * fingerprints, however their values were spelled.
   */
  public String fingerprint() {
    StringBuilder canonical = new StringBuilder();
    asMap().forEach((key, value) -> canonical.append(key).append('=').append(escape(value)).append('\n'));
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha256.digest(canonical.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Cannot fingerprint the configuration: the JVM lacks SHA-256", e);
    }
  }

  /**
   * The engine's options for one task.
   *
   * @param device the task's device, normally {@code model().device().resolve(assignedGpus)}; the CPU
   *     also serves for checks on the driver, whatever {@code model.device} says
   * @throws IllegalArgumentException when {@code device} is a GPU but {@code model.device} is cpu
   */
  public EngineOptions toEngineOptions(DeviceSpec device) {
    if (model.device() == ModelDevice.CPU && device.isGpu()) {
      throw new IllegalArgumentException("Cannot run the model on " + device + ": " + ScoreKeys.MODEL_DEVICE
          + " is cpu");
    }
    return new EngineOptions(model.path(), device, template.toTemplateMode(), reward.toRewardOptions(),
        batch.toTokenBudget(), length.max(), length.overlongPrompt());
  }

  /**
   * Intra-op threads for one task's model on the CPU: {@code engineThreads} when set, else the executor's
   * cores shared evenly among its concurrent tasks, at least 1.
   *
   * @param cores the cores of the executor (or of the machine, in local runs)
   * @param concurrentTasks how many tasks the executor runs at once
   */
  public int intraOpThreads(int cores, int concurrentTasks) {
    if (engineThreads > 0) {
      return engineThreads;
    }
    return Math.max(1, cores / Math.max(1, concurrentTasks));
  }

  private static String orEmpty(String text) {
    return text == null ? "" : text;
  }

  private static String escape(String value) {
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r");
  }
}

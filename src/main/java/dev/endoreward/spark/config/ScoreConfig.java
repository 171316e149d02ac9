package dev.endoreward.spark.config;

import dev.endoreward.Sha256;
import dev.endoreward.engine.EngineOptions;
import java.io.Serializable;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The validated configuration of one {@code score} run. It holds no Spark types, so the driver validates
 * it before starting Spark, and it is serializable, so executors receive it whole and take their engine
 * options from it with {@link #engineOptionsFor(List)}.
 *
 * @param engine the model and how it scores: path, device (as configured), template, reward, token budget
 *     and length limit
 * @param input the pairs to score
 * @param output where results go
 * @param job partitioning, progress, chunking and CPU threads
 */
public record ScoreConfig(EngineOptions engine, InputConfig input, OutputConfig output, JobConfig job)
    implements Serializable {

  /** Stands for input and output paths that a library caller handles itself. */
  private static final String CALLERS_OWN = "<dataset>";

  /**
   * Parses and validates configuration values. Absent keys take their defaults from {@link ScoreKeys}; an
   * empty value means unset.
   *
   * @throws ConfigException "Cannot ..." naming the first unknown key or bad value
   */
  public static ScoreConfig fromMap(Map<String, String> values) {
    return ScoreConfigParser.parse(values);
  }

  /**
   * Like {@link #fromMap}, for library use, where the caller reads and writes the data itself:
   * {@code input.path} and {@code output.path} may be left out.
   */
  public static ScoreConfig forLibrary(Map<String, String> values) {
    Map<String, String> withPaths = new HashMap<>(values);
    withPaths.putIfAbsent(ScoreKeys.INPUT_PATH.name(), CALLERS_OWN);
    withPaths.putIfAbsent(ScoreKeys.OUTPUT_PATH.name(), CALLERS_OWN);
    return fromMap(withPaths);
  }

  /**
   * Every key with its canonical value, sorted by key; unset optional keys map to the empty string.
   * {@code fromMap(asMap())} equals this configuration.
   */
  public Map<String, String> asMap() {
    Map<String, String> values = new TreeMap<>();
    put(values, ScoreKeys.MODEL_PATH, engine.artefactDir());
    put(values, ScoreKeys.MODEL_DEVICE, engine.device());
    put(values, ScoreKeys.INPUT_PATH, input.path());
    put(values, ScoreKeys.INPUT_FORMAT, input.format());
    put(values, ScoreKeys.INPUT_ON_MALFORMED, input.onMalformed());
    put(values, ScoreKeys.INPUT_DUPLICATE_IDS, input.duplicateIds());
    InputColumns columns = input.columns();
    put(values, ScoreKeys.INPUT_COLUMN_ID, columns.id());
    put(values, ScoreKeys.INPUT_COLUMN_PROMPT, columns.prompt());
    put(values, ScoreKeys.INPUT_COLUMN_RESPONSE, columns.response());
    put(values, ScoreKeys.INPUT_COLUMN_MESSAGES, columns.messages());
    put(values, ScoreKeys.INPUT_COLUMN_SYSTEM, columns.system());
    put(values, ScoreKeys.INPUT_COLUMN_PROMPT_ID, columns.promptId());
    put(values, ScoreKeys.INPUT_SYSTEM_PROMPT, input.systemPrompt());
    put(values, ScoreKeys.OUTPUT_PATH, output.path());
    put(values, ScoreKeys.OUTPUT_MODE, output.mode());
    put(values, ScoreKeys.OUTPUT_RESUME, output.resume());
    put(values, ScoreKeys.OUTPUT_TOKEN_LEVEL, output.tokenLevel());
    put(values, ScoreKeys.OUTPUT_PROMPT_TOKEN_IDS, output.promptTokenIds());
    put(values, ScoreKeys.TEMPLATE_MODE, engine.templateMode());
    put(values, ScoreKeys.TEMPLATE_VARIABLES, engine.templateVariables());
    put(values, ScoreKeys.REWARD_ALPHA, engine.reward().alpha());
    put(values, ScoreKeys.REWARD_GAMMA, engine.reward().gamma());
    put(values, ScoreKeys.REWARD_TERMINAL, engine.reward().terminal());
    put(values, ScoreKeys.BATCH_MAX_TOKENS, engine.budget().maxTokensPerBatch());
    put(values, ScoreKeys.BATCH_MAX_ROWS, engine.budget().maxRowsPerBatch());
    put(values, ScoreKeys.BATCH_SORT_BY_LENGTH, engine.budget().sortByLength());
    put(values, ScoreKeys.BATCH_CHUNK_ROWS, job.chunkRows());
    put(values, ScoreKeys.LENGTH_MAX, engine.maxLength());
    put(values, ScoreKeys.LENGTH_OVERLONG_PROMPT, engine.overlongPromptPolicy());
    put(values, ScoreKeys.JOB_PARTITIONS, job.partitions());
    put(values, ScoreKeys.JOB_UNIT_ROWS, job.unitRows());
    put(values, ScoreKeys.JOB_PROGRESS, job.progress());
    put(values, ScoreKeys.JOB_PROGRESS_INTERVAL, job.progressIntervalSeconds());
    put(values, ScoreKeys.ENGINE_THREADS, job.engineThreads());
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
    return Sha256.of(canonical.toString());
  }

  /**
   * The engine's options for one task, on the device that {@code model.device} resolves to.
   *
   * @param assignedGpus the addresses of the GPUs Spark assigned to the task; empty when it assigned none
   *     (and on the driver, which only checks the model)
   */
  public EngineOptions engineOptionsFor(List<String> assignedGpus) {
    return engine.withDevice(engine.device().resolve(assignedGpus));
  }

  /** The engine's options outside Spark: {@code auto} runs on the CPU, {@code gpu} on GPU 0. */
  public EngineOptions engineOptions() {
    return engineOptionsFor(List.of());
  }

  private static <T> void put(Map<String, String> values, ConfigKey<T> key, T value) {
    values.put(key.name(), key.write(value));
  }

  private static String escape(String value) {
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r");
  }
}

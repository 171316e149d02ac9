package dev.endoreward.spark.config;

import dev.endoreward.Rule;
import dev.endoreward.batch.TokenBudget;
import dev.endoreward.engine.EngineOptions;
import dev.endoreward.model.DeviceSpec;
import dev.endoreward.reward.RewardOptions;
import dev.endoreward.reward.TerminalValue;
import dev.endoreward.text.OverlongPromptPolicy;
import dev.endoreward.text.TemplateMode;
import dev.endoreward.text.TemplateVariables;
import java.util.List;
import java.util.Locale;

/**
 * Every configuration key of the {@code score} job: its name, documentation, type, default and rule, each
 * said once, here. Rules that also guard an engine record ({@link RewardOptions}, {@link TokenBudget},
 * {@link EngineOptions}) are that record's, so the key and the record cannot disagree. Keys absent from
 * {@link #ALL} are rejected.
 */
public final class ScoreKeys {
  public static final ConfigKey<String> MODEL_PATH = ConfigKey.requiredText("model.path",
      "The exported model folder (manifest.json, TorchScript module, tokenizer); a local path every executor reads.",
      "--model <dir>", Rule.of("a local folder at the same path on every executor (a shared mount or the image)",
          path -> !path.contains("://")));

  public static final ConfigKey<DeviceSpec> MODEL_DEVICE = ConfigKey.written("model.device",
      "Where the model runs: auto (the GPU Spark assigned to the task, else the CPU), cpu, gpu (the assigned GPU,"
          + " else GPU 0) or gpu:N.",
      ScoreKeys::device, DeviceSpec::toString, DeviceSpec.AUTO);

  public static final ConfigKey<String> INPUT_PATH = ConfigKey.requiredText("input.path",
      "The pairs to score: a file, folder or glob on any Hadoop file system.", "--input <path>", null);

  public static final ConfigKey<InputFormat> INPUT_FORMAT = ConfigKey.choice("input.format",
      "The input's format: auto (by extension or folder contents), parquet or jsonl.", InputFormat.class,
      InputFormat.AUTO);

  public static final ConfigKey<MalformedPolicy> INPUT_ON_MALFORMED = ConfigKey.choice("input.on-malformed",
      "What a JSON Lines line that cannot be read does: reject (a MALFORMED_INPUT row) or fail (stop the job).",
      MalformedPolicy.class, MalformedPolicy.REJECT);

  public static final ConfigKey<DuplicateIdPolicy> INPUT_DUPLICATE_IDS = ConfigKey.choice("input.duplicate-ids",
      "What rows whose id an earlier row has do: keep (scored, and counted) or reject (DUPLICATE_ID).",
      DuplicateIdPolicy.class, DuplicateIdPolicy.KEEP);

  public static final ConfigKey<String> INPUT_COLUMN_ID = ConfigKey.text("input.column.id",
      "The column holding the row id, carried through to both outputs.", "id");

  public static final ConfigKey<String> INPUT_COLUMN_PROMPT = ConfigKey.text("input.column.prompt",
      "The column holding the prompt text (prompt/response form).", "prompt");

  public static final ConfigKey<String> INPUT_COLUMN_RESPONSE = ConfigKey.text("input.column.response",
      "The column holding the response text to score (prompt/response form).", "response");

  public static final ConfigKey<String> INPUT_COLUMN_MESSAGES = ConfigKey.text("input.column.messages",
      "The column holding an array of {role, content} whose last entry is the scored response; unset by default.",
      null);

  public static final ConfigKey<String> INPUT_COLUMN_SYSTEM = ConfigKey.text("input.column.system",
      "The column holding a per-row system prompt; unset by default.", null);

  public static final ConfigKey<String> INPUT_COLUMN_PROMPT_ID = ConfigKey.text("input.column.prompt-id",
      "The column grouping responses to the same prompt; unset by default (a hash of the prompt tokens).", null);

  public static final ConfigKey<String> INPUT_SYSTEM_PROMPT = ConfigKey.verbatimText("input.system-prompt",
      "One system prompt for every row, kept exactly as written; unset by default.");

  public static final ConfigKey<String> OUTPUT_PATH = ConfigKey.requiredText("output.path",
      "The output folder (scored rows, rejected rows, run summary).", "--output <dir>", null);

  public static final ConfigKey<OutputMode> OUTPUT_MODE = ConfigKey.choice("output.mode",
      "What to do when the output folder exists: error-if-exists, overwrite or append.", OutputMode.class,
      OutputMode.ERROR_IF_EXISTS);

  public static final ConfigKey<Boolean> OUTPUT_RESUME = ConfigKey.bool("output.resume",
      "Whether to continue the incomplete run in the output folder (--resume) rather than start a run; its recorded"
          + " settings, model and input must be unchanged.", false);

  public static final ConfigKey<Boolean> OUTPUT_TOKEN_LEVEL = ConfigKey.bool("output.token-level",
      "Whether to write the per-token arrays (response_token_ids, token_rewards, token_logprobs).", true);

  public static final ConfigKey<Boolean> OUTPUT_PROMPT_TOKEN_IDS = ConfigKey.bool("output.prompt-token-ids",
      "Whether to write prompt_token_ids, the exact prompt token sequence.", false);

  public static final ConfigKey<TemplateMode> TEMPLATE_MODE = ConfigKey.choice("template.mode",
      "How a pair becomes text: auto (the chat template when the tokenizer has one), chat or plain.",
      TemplateMode.class, TemplateMode.AUTO);

  public static final ConfigKey<TemplateVariables> TEMPLATE_VARIABLES = ConfigKey.written("template.variables",
      "Extra chat template variables, a JSON object such as {\"enable_thinking\": false}; unset by default. Names"
          + " the renderer sets itself (messages, add_generation_prompt, bos_token, tools...) are refused.",
      TemplateVariables::parse, TemplateVariables::json, TemplateVariables.NONE);

  public static final ConfigKey<Double> REWARD_ALPHA = ConfigKey.decimal("reward.alpha",
      "Soft-value temperature alpha; finite and greater than 0.", 1.0, RewardOptions.ALPHA);

  public static final ConfigKey<Double> REWARD_GAMMA = ConfigKey.decimal("reward.gamma",
      "Discount gamma, in [0, 1].", 1.0, RewardOptions.GAMMA);

  public static final ConfigKey<TerminalValue> REWARD_TERMINAL = ConfigKey.choice("reward.terminal",
      "The value after the last response token: zero (finished responses) or bootstrap (cut-off ones).",
      TerminalValue.class, TerminalValue.ZERO);

  public static final ConfigKey<Integer> BATCH_MAX_TOKENS = ConfigKey.wholeNumber("batch.max-tokens",
      "Tokens per forward pass at most, padding included (rows × longest row); at least the longest sequence.",
      16_384, TokenBudget.MAX_TOKENS);

  public static final ConfigKey<Integer> BATCH_MAX_ROWS = ConfigKey.wholeNumber("batch.max-rows",
      "Rows per forward pass at most.", 64, TokenBudget.MAX_ROWS);

  public static final ConfigKey<Boolean> BATCH_SORT_BY_LENGTH = ConfigKey.bool("batch.sort-by-length",
      "Whether rows of similar length share a batch, which cuts padding.", true);

  public static final ConfigKey<Integer> BATCH_CHUNK_ROWS = ConfigKey.wholeNumber("batch.chunk-rows",
      "Rows tokenised and length-sorted together; bounds a task's memory. At least batch.max-rows.", 2048,
      Rule.atLeast(1, null));

  public static final ConfigKey<Integer> LENGTH_MAX = ConfigKey.wholeNumber("length.max",
      "The longest scored sequence in tokens; 0 means the model's maximum length.", 0, EngineOptions.MAX_LENGTH);

  public static final ConfigKey<OverlongPromptPolicy> LENGTH_OVERLONG_PROMPT = ConfigKey.choice(
      "length.overlong-prompt",
      "What to do with a pair longer than length.max: truncate-left (drop the prompt's start) or reject.",
      OverlongPromptPolicy.class, OverlongPromptPolicy.TRUNCATE_LEFT);

  public static final ConfigKey<Integer> JOB_PARTITIONS = ConfigKey.wholeNumber("job.partitions",
      "Units to split the input into: 0 sizes them by job.unit-rows, more makes that many.", 0,
      Rule.atLeast(0, "one unit per job.unit-rows rows"));

  public static final ConfigKey<Integer> JOB_UNIT_ROWS = ConfigKey.wholeNumber("job.unit-rows",
      "Input rows per unit, the piece of work committed and resumed on its own, when job.partitions is 0.", 20_000,
      Rule.atLeast(1, null));

  public static final ConfigKey<Boolean> JOB_PROGRESS = ConfigKey.bool("job.progress",
      "Whether the driver reports progress: a terminal line, else log lines.", true);

  public static final ConfigKey<Integer> JOB_PROGRESS_INTERVAL = ConfigKey.wholeNumber("job.progress-interval",
      "Seconds between progress lines when stderr is not a terminal (and in the driver log).", 10,
      Rule.atLeast(1, null));

  public static final ConfigKey<Integer> ENGINE_THREADS = ConfigKey.wholeNumber("engine.threads",
      "Intra-op threads per task on the CPU; 0 means the cores divided by the concurrent tasks.", 0,
      Rule.atLeast(0, "cores divided by concurrent tasks"));

  /** Every key, in documentation order. */
  public static final List<ConfigKey<?>> ALL = List.of(
      MODEL_PATH, MODEL_DEVICE,
      INPUT_PATH, INPUT_FORMAT, INPUT_ON_MALFORMED, INPUT_DUPLICATE_IDS, INPUT_COLUMN_ID, INPUT_COLUMN_PROMPT, INPUT_COLUMN_RESPONSE,
      INPUT_COLUMN_MESSAGES, INPUT_COLUMN_SYSTEM, INPUT_COLUMN_PROMPT_ID, INPUT_SYSTEM_PROMPT,
      OUTPUT_PATH, OUTPUT_MODE, OUTPUT_RESUME, OUTPUT_TOKEN_LEVEL, OUTPUT_PROMPT_TOKEN_IDS,
      TEMPLATE_MODE, TEMPLATE_VARIABLES,
      REWARD_ALPHA, REWARD_GAMMA, REWARD_TERMINAL,
      BATCH_MAX_TOKENS, BATCH_MAX_ROWS, BATCH_SORT_BY_LENGTH, BATCH_CHUNK_ROWS,
      LENGTH_MAX, LENGTH_OVERLONG_PROMPT,
      JOB_PARTITIONS, JOB_UNIT_ROWS, JOB_PROGRESS, JOB_PROGRESS_INTERVAL,
      ENGINE_THREADS);

  private ScoreKeys() {}

  /** The names of {@link #ALL}, in the same order. */
  public static List<String> names() {
    return ALL.stream().map(ConfigKey::name).toList();
  }

  private static DeviceSpec device(String text) {
    try {
      return DeviceSpec.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("use " + DeviceSpec.WRITTEN_FORMS, e);
    }
  }

  /**
   * Fails unless {@code key} is known, suggesting the closest known key for a likely typo.
   *
   * @throws ConfigException for an unknown key
   */
  static void checkKnown(String key) {
    if (names().contains(key)) {
      return;
    }
    if (key.startsWith("spark.")) {
      throw new ConfigException(key, "Cannot use unknown key '" + key
          + "': Spark settings go to spark-submit --conf, or to -D" + key + " for local runs");
    }
    String closest = closest(key);
    throw new ConfigException(key, "Cannot use unknown key '" + key + "': "
        + (closest == null ? "" : "did you mean " + closest + "? ")
        + "conf/score.properties lists every key");
  }

  /** The known key within a few edits of {@code key}, or null. */
  private static String closest(String key) {
    String best = null;
    int bestDistance = Math.max(3, key.length() / 4) + 1;
    for (String known : names()) {
      int distance = editDistance(key.toLowerCase(Locale.ROOT), known);
      if (distance < bestDistance) {
        best = known;
        bestDistance = distance;
      }
    }
    return best;
  }

  private static int editDistance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}

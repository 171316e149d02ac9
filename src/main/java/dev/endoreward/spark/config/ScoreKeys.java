package dev.endoreward.spark.config;

import dev.endoreward.reward.TerminalValue;
import dev.endoreward.text.OverlongPromptPolicy;
import java.util.List;
import java.util.Locale;

/**
 * Every configuration key of the {@code score} job, each with its default beside it. Keys absent from
 * {@link #ALL} are rejected. A key whose default is not listed has none: it is either required
 * ({@link #MODEL_PATH}, {@link #INPUT_PATH}, {@link #OUTPUT_PATH}) or optional and unset by default.
 */
public final class ScoreKeys {
  /** The exported model folder (manifest.json, TorchScript module, tokenizer); required. */
  public static final String MODEL_PATH = "model.path";

  /** Where the model runs: auto (the GPU Spark assigned to the task, else the CPU), cpu, or gpu (else GPU 0). */
  public static final String MODEL_DEVICE = "model.device";
  public static final ModelDevice MODEL_DEVICE_DEFAULT = ModelDevice.AUTO;

  /** The pairs to score: a file, folder or glob on any Hadoop file system; required. */
  public static final String INPUT_PATH = "input.path";

  /** The input's format: auto (by extension or folder contents), parquet or jsonl. */
  public static final String INPUT_FORMAT = "input.format";
  public static final InputFormat INPUT_FORMAT_DEFAULT = InputFormat.AUTO;

  /** The column holding the row id, carried through to both outputs. */
  public static final String INPUT_COLUMN_ID = "input.column.id";
  public static final String INPUT_COLUMN_ID_DEFAULT = "id";

  /** The column holding the prompt text (prompt/response form). */
  public static final String INPUT_COLUMN_PROMPT = "input.column.prompt";
  public static final String INPUT_COLUMN_PROMPT_DEFAULT = "prompt";

  /** The column holding the response text to score (prompt/response form). */
  public static final String INPUT_COLUMN_RESPONSE = "input.column.response";
  public static final String INPUT_COLUMN_RESPONSE_DEFAULT = "response";

  /** The column holding an array of {role, content} whose last entry is the scored response; unset by default. */
  public static final String INPUT_COLUMN_MESSAGES = "input.column.messages";

  /** The column holding a per-row system prompt; unset by default. */
  public static final String INPUT_COLUMN_SYSTEM = "input.column.system";

  /** The column grouping responses to the same prompt; unset by default (a hash of the rendered prompt). */
  public static final String INPUT_COLUMN_PROMPT_ID = "input.column.prompt-id";

  /** One system prompt for every row; unset by default. */
  public static final String INPUT_SYSTEM_PROMPT = "input.system-prompt";

  /** The output folder (scored rows, rejected rows, run summary); required. */
  public static final String OUTPUT_PATH = "output.path";

  /** What to do when the output folder exists: error-if-exists, overwrite or append. */
  public static final String OUTPUT_MODE = "output.mode";
  public static final OutputMode OUTPUT_MODE_DEFAULT = OutputMode.ERROR_IF_EXISTS;

  /** Whether to write the per-token arrays (response_token_ids, token_rewards, token_logprobs). */
  public static final String OUTPUT_TOKEN_LEVEL = "output.token-level";
  public static final boolean OUTPUT_TOKEN_LEVEL_DEFAULT = true;

  /** Whether to write prompt_token_ids, the exact prompt token sequence. */
  public static final String OUTPUT_PROMPT_TOKEN_IDS = "output.prompt-token-ids";
  public static final boolean OUTPUT_PROMPT_TOKEN_IDS_DEFAULT = false;

  /** How a pair becomes text: auto (the chat template when the tokenizer has one), chat or plain. */
  public static final String TEMPLATE_MODE = "template.mode";
  public static final TemplateChoice TEMPLATE_MODE_DEFAULT = TemplateChoice.AUTO;

  /** Soft-value temperature alpha; finite and greater than 0. */
  public static final String REWARD_ALPHA = "reward.alpha";
  public static final double REWARD_ALPHA_DEFAULT = 1.0;

  /** Discount gamma, in [0, 1]. */
  public static final String REWARD_GAMMA = "reward.gamma";
  public static final double REWARD_GAMMA_DEFAULT = 1.0;

  /** The value after the last response token: zero (finished responses) or bootstrap (cut-off ones). */
  public static final String REWARD_TERMINAL = "reward.terminal";
  public static final TerminalValue REWARD_TERMINAL_DEFAULT = TerminalValue.ZERO;

  /** Tokens per forward pass at most, padding included (rows × longest row). */
  public static final String BATCH_MAX_TOKENS = "batch.max-tokens";
  public static final int BATCH_MAX_TOKENS_DEFAULT = 16_384;

  /** Rows per forward pass at most. */
  public static final String BATCH_MAX_ROWS = "batch.max-rows";
  public static final int BATCH_MAX_ROWS_DEFAULT = 64;

  /** Whether rows of similar length share a batch, which cuts padding. */
  public static final String BATCH_SORT_BY_LENGTH = "batch.sort-by-length";
  public static final boolean BATCH_SORT_BY_LENGTH_DEFAULT = true;

  /** Rows tokenised and length-sorted together; bounds a task's memory. */
  public static final String BATCH_CHUNK_ROWS = "batch.chunk-rows";
  public static final int BATCH_CHUNK_ROWS_DEFAULT = 2048;

  /** The longest scored sequence in tokens; 0 means the model's maximum length. */
  public static final String LENGTH_MAX = "length.max";
  public static final int LENGTH_MAX_DEFAULT = 0;

  /** What to do with a pair longer than length.max: truncate-left (drop the prompt's start) or reject. */
  public static final String LENGTH_OVERLONG_PROMPT = "length.overlong-prompt";
  public static final OverlongPromptPolicy LENGTH_OVERLONG_PROMPT_DEFAULT = OverlongPromptPolicy.TRUNCATE_LEFT;

  /** Partitions to score: 0 keeps the input's partitioning, more repartitions to that many. */
  public static final String JOB_PARTITIONS = "job.partitions";
  public static final int JOB_PARTITIONS_DEFAULT = 0;

  /** Whether local runs print a console progress line. */
  public static final String JOB_PROGRESS = "job.progress";
  public static final boolean JOB_PROGRESS_DEFAULT = true;

  /** Intra-op threads per task on the CPU; 0 means the cores divided by the concurrent tasks. */
  public static final String ENGINE_THREADS = "engine.threads";
  public static final int ENGINE_THREADS_DEFAULT = 0;

  /** Every key, in documentation order. */
  public static final List<String> ALL = List.of(
      MODEL_PATH, MODEL_DEVICE,
      INPUT_PATH, INPUT_FORMAT, INPUT_COLUMN_ID, INPUT_COLUMN_PROMPT, INPUT_COLUMN_RESPONSE,
      INPUT_COLUMN_MESSAGES, INPUT_COLUMN_SYSTEM, INPUT_COLUMN_PROMPT_ID, INPUT_SYSTEM_PROMPT,
      OUTPUT_PATH, OUTPUT_MODE, OUTPUT_TOKEN_LEVEL, OUTPUT_PROMPT_TOKEN_IDS,
      TEMPLATE_MODE,
      REWARD_ALPHA, REWARD_GAMMA, REWARD_TERMINAL,
      BATCH_MAX_TOKENS, BATCH_MAX_ROWS, BATCH_SORT_BY_LENGTH, BATCH_CHUNK_ROWS,
      LENGTH_MAX, LENGTH_OVERLONG_PROMPT,
      JOB_PARTITIONS, JOB_PROGRESS,
      ENGINE_THREADS);

  private ScoreKeys() {}

  /**
   * Fails unless {@code key} is known, suggesting the closest known key for a likely typo.
   *
   * @throws IllegalArgumentException for an unknown key
   */
  static void checkKnown(String key) {
    if (ALL.contains(key)) {
      return;
    }
    if (key.startsWith("spark.")) {
      throw new IllegalArgumentException("Cannot use unknown key '" + key
          + "': Spark settings go to spark-submit --conf, or to -D" + key + " for local runs");
    }
    String closest = closest(key);
    throw new IllegalArgumentException("Cannot use unknown key '" + key + "': "
        + (closest == null ? "" : "did you mean " + closest + "? ")
        + "conf/score.properties lists every key");
  }

  /** The known key within a few edits of {@code key}, or null. */
  private static String closest(String key) {
    String best = null;
    int bestDistance = Math.max(3, key.length() / 4) + 1;
    for (String known : ALL) {
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

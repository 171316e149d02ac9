package dev.endoreward.eval;

import dev.endoreward.Rule;
import dev.endoreward.spark.config.ConfigKey;
import dev.endoreward.spark.config.OutputMode;
import dev.endoreward.spark.config.ScoreKeys;
import java.util.List;

/**
 * The configuration keys of {@code eval}: its own, each said once, here. Beside them {@code eval} accepts
 * every key of {@code score} (model, template, reward, batch, length, job, engine) except those that
 * describe the rows it scores, which it writes itself ({@link #SET_BY_EVAL}); any other key is refused.
 */
public final class EvalKeys {
  public static final ConfigKey<String> INPUT_PATH = ConfigKey.text("input.path",
      "The preference data: a file or a folder of files, on any Hadoop file system.", null);

  public static final ConfigKey<String> OUTPUT_PATH = ConfigKey.text("output.path",
      "The output folder.", null);

  public static final ConfigKey<OutputMode> OUTPUT_MODE = ConfigKey.choice("output.mode",
      "What to do when the output folder exists: error-if-exists or overwrite.", OutputMode.class,
      OutputMode.ERROR_IF_EXISTS);

  public static final ConfigKey<PreferenceFormat> FORMAT = ConfigKey.choice("eval.format",
      "The data's form: hh-rlhf, llmbar, rewardbench or rm-bench.", PreferenceFormat.class, null);

  public static final ConfigKey<EvalScore> SCORE = ConfigKey.choice("eval.score",
      "The score that decides a comparison: reward, reward-mean, logprob or logprob-mean.", EvalScore.class,
      EvalScore.REWARD);

  public static final ConfigKey<Integer> LIMIT = ConfigKey.wholeNumber("eval.limit",
      "Records read from each file at most, the first ones; 0 means all.", 0, Rule.atLeast(0, "all"));

  /** {@code eval}'s own keys, in documentation order. */
  public static final List<ConfigKey<?>> ALL = List.of(INPUT_PATH, OUTPUT_PATH, OUTPUT_MODE, FORMAT, SCORE, LIMIT);

  /** The {@code score} keys that {@code eval} sets itself, for the rows it writes and the folder it scores into. */
  public static final List<ConfigKey<?>> SET_BY_EVAL = List.of(ScoreKeys.INPUT_FORMAT, ScoreKeys.INPUT_ON_MALFORMED,
      ScoreKeys.INPUT_DUPLICATE_IDS, ScoreKeys.INPUT_COLUMN_ID, ScoreKeys.INPUT_COLUMN_PROMPT,
      ScoreKeys.INPUT_COLUMN_RESPONSE, ScoreKeys.INPUT_COLUMN_MESSAGES, ScoreKeys.INPUT_COLUMN_SYSTEM,
      ScoreKeys.INPUT_COLUMN_PROMPT_ID, ScoreKeys.OUTPUT_RESUME);

  private EvalKeys() {}
}

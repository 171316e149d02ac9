package dev.endoreward.curate;

import dev.endoreward.Rule;
import dev.endoreward.spark.config.ConfigException;
import dev.endoreward.spark.config.ConfigKey;
import dev.endoreward.spark.config.OutputMode;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Every configuration key of the curation commands ({@code filter}, {@code best-of-n}, {@code pairs},
 * {@code offline-rl}): name, documentation, type, default and rule, each said once, here. Each command
 * accepts the common keys and its own; any other key is refused.
 */
public final class CurateKeys {
  private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

  public static final ConfigKey<String> INPUT_PATH = ConfigKey.text("input.path",
      "A complete score output folder (with _SUCCESS), on any Hadoop file system.", null);

  public static final ConfigKey<String> OUTPUT_PATH = ConfigKey.text("output.path",
      "The output folder.", null);

  public static final ConfigKey<OutputMode> OUTPUT_MODE = ConfigKey.choice("output.mode",
      "What to do when the output folder exists: error-if-exists or overwrite.", OutputMode.class,
      OutputMode.ERROR_IF_EXISTS);

  public static final ConfigKey<ScoreColumn> FILTER_SCORE = ConfigKey.choice("filter.score",
      "The score to filter by: reward, reward-mean or logprob-mean.", ScoreColumn.class, ScoreColumn.REWARD_MEAN);

  public static final ConfigKey<Normalisation> FILTER_NORMALISE = ConfigKey.choice("filter.normalise",
      "Per-prompt normalisation before the cut: none, z-score, rank or mean-difference.", Normalisation.class,
      Normalisation.NONE);

  public static final ConfigKey<Double> FILTER_THRESHOLD = optionalDecimal("filter.threshold",
      "Keep rows whose (normalised) score is at least this; unset by default.", Rule.of("finite", Double::isFinite));

  public static final ConfigKey<Double> FILTER_TOP_FRACTION = optionalDecimal("filter.top-fraction",
      "Keep this top fraction of rows by (normalised) score, a global quantile; unset by default.",
      Rule.of("in (0, 1]", value -> value > 0 && value <= 1));

  public static final ConfigKey<QuantileMethod> FILTER_QUANTILE = ConfigKey.choice("filter.quantile",
      "How filter.top-fraction's cut is found: exact (a sort) or approximate (Spark's approxQuantile).",
      QuantileMethod.class, QuantileMethod.EXACT);

  public static final ConfigKey<Double> FILTER_QUANTILE_ERROR = ConfigKey.decimal("filter.quantile-error",
      "The approximate cut's relative rank error, in (0, 1).", 0.001,
      Rule.of("in (0, 1)", value -> value > 0 && value < 1));

  public static final ConfigKey<Integer> FILTER_MIN_RESPONSE_TOKENS = ConfigKey.wholeNumber(
      "filter.min-response-tokens", "Drop rows with fewer response tokens than this.", 0, Rule.atLeast(0, null));

  public static final ConfigKey<Integer> FILTER_MAX_RESPONSE_TOKENS = ConfigKey.wholeNumber(
      "filter.max-response-tokens", "Drop rows with more response tokens than this; 0 means no bound.", 0,
      Rule.atLeast(0, "no bound"));

  public static final ConfigKey<ScoreColumn> BEST_OF_N_SCORE = ConfigKey.choice("best-of-n.score",
      "The score that ranks a prompt's responses: reward, reward-mean or logprob-mean.", ScoreColumn.class,
      ScoreColumn.REWARD);

  public static final ConfigKey<Integer> BEST_OF_N_K = ConfigKey.wholeNumber("best-of-n.k",
      "Responses kept per prompt.", 1, Rule.atLeast(1, null));

  public static final ConfigKey<TrainerFormat> BEST_OF_N_FORMAT = ConfigKey.choice("best-of-n.format",
      "TRL's SFT form: standard (prompt and completion strings) or conversational (messages).",
      TrainerFormat.class, TrainerFormat.STANDARD);

  public static final ConfigKey<ScoreColumn> PAIRS_SCORE = ConfigKey.choice("pairs.score",
      "The score that ranks a prompt's responses: reward, reward-mean or logprob-mean.", ScoreColumn.class,
      ScoreColumn.REWARD);

  public static final ConfigKey<PairMode> PAIRS_MODE = ConfigKey.choice("pairs.mode",
      "best-worst (one pair per prompt) or all (every pair with margin at least pairs.min-margin, capped).",
      PairMode.class, PairMode.BEST_WORST);

  public static final ConfigKey<Double> PAIRS_MIN_MARGIN = ConfigKey.decimal("pairs.min-margin",
      "The smallest margin (chosen score minus rejected score) a pair may have; pairs of equal scores never form.",
      0.0, Rule.of("finite and at least 0", value -> Double.isFinite(value) && value >= 0));

  public static final ConfigKey<Integer> PAIRS_MAX_PER_PROMPT = ConfigKey.wholeNumber("pairs.max-per-prompt",
      "Pairs per prompt at most, in pairs.mode=all.", 4, Rule.atLeast(1, null));

  public static final ConfigKey<TrainerFormat> PAIRS_FORMAT = ConfigKey.choice("pairs.format",
      "TRL's preference form: standard (strings) or conversational (lists of {role, content}).",
      TrainerFormat.class, TrainerFormat.STANDARD);

  public static final ConfigKey<Double> OFFLINE_RL_DISCOUNT = ConfigKey.decimal("offline-rl.discount",
      "The discount of the returns-to-go, in [0, 1].", 1.0, Rule.of("in [0, 1]", value -> value >= 0 && value <= 1));

  public static final ConfigKey<Baseline> OFFLINE_RL_BASELINE = ConfigKey.choice("offline-rl.baseline",
      "What advantages are measured against: prompt-mean (the prompt's mean return) or zero.", Baseline.class,
      Baseline.PROMPT_MEAN);

  private static final List<ConfigKey<?>> COMMON = List.of(INPUT_PATH, OUTPUT_PATH, OUTPUT_MODE);

  /** {@code filter}'s keys, in documentation order. */
  public static final List<ConfigKey<?>> FILTER = join(FILTER_SCORE, FILTER_NORMALISE, FILTER_THRESHOLD,
      FILTER_TOP_FRACTION, FILTER_QUANTILE, FILTER_QUANTILE_ERROR, FILTER_MIN_RESPONSE_TOKENS,
      FILTER_MAX_RESPONSE_TOKENS);

  /** {@code best-of-n}'s keys, in documentation order. */
  public static final List<ConfigKey<?>> BEST_OF_N = join(BEST_OF_N_SCORE, BEST_OF_N_K, BEST_OF_N_FORMAT);

  /** {@code pairs}' keys, in documentation order. */
  public static final List<ConfigKey<?>> PAIRS = join(PAIRS_SCORE, PAIRS_MODE, PAIRS_MIN_MARGIN,
      PAIRS_MAX_PER_PROMPT, PAIRS_FORMAT);

  /** {@code offline-rl}'s keys, in documentation order. */
  public static final List<ConfigKey<?>> OFFLINE_RL = join(OFFLINE_RL_DISCOUNT, OFFLINE_RL_BASELINE);

  private CurateKeys() {}

  private static List<ConfigKey<?>> join(ConfigKey<?>... own) {
    return Stream.concat(COMMON.stream(), Stream.of(own)).toList();
  }

  private static ConfigKey<Double> optionalDecimal(String name, String doc, Rule<Double> rule) {
    return ConfigKey.written(name, doc, text -> {
      if (!DECIMAL.matcher(text).matches()) {
        throw new IllegalArgumentException("expected a decimal number");
      }
      double value = Double.parseDouble(text);
      if (!rule.accepts(value)) {
        throw new IllegalArgumentException(rule.violation());
      }
      return value;
    }, String::valueOf, null);
  }

  /**
   * The common part of every command's configuration, after refusing keys that {@code keys} lacks.
   *
   * @param command the command's name, as in "Cannot filter ..." and {@code conf/<command>.properties}
   * @param verb what the command does, completing "Cannot ... without input.path", e.g. "filter"
   * @throws ConfigException for an unknown key, a bad value, or a missing input or output
   */
  static CurateIo io(Map<String, String> values, List<ConfigKey<?>> keys, String command, String verb) {
    List<String> names = keys.stream().map(ConfigKey::name).toList();
    for (String key : values.keySet()) {
      if (!names.contains(key)) {
        throw new ConfigException(key, "Cannot use unknown key '" + key + "': conf/" + command
            + ".properties lists every key of " + command);
      }
    }
    String input = required(values, INPUT_PATH, "--input <score output>", verb);
    String output = required(values, OUTPUT_PATH, "--output <dir>", verb);
    OutputMode mode = get(values, OUTPUT_MODE);
    if (mode == OutputMode.APPEND) {
      throw new ConfigException(OUTPUT_MODE.name(), "Cannot set output.mode to 'append': " + command
          + " writes its output whole; use error-if-exists or overwrite");
    }
    return new CurateIo(input, output, mode);
  }

  static <T> T get(Map<String, String> values, ConfigKey<T> key) {
    return key.parse(values.get(key.name()));
  }

  private static String required(Map<String, String> values, ConfigKey<String> key, String flag, String verb) {
    String value = get(values, key);
    if (value == null) {
      throw new ConfigException(key.name(), "Cannot " + verb + " without " + key + ": pass " + flag + " or set "
          + key);
    }
    return value;
  }
}

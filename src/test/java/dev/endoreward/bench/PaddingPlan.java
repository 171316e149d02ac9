package dev.endoreward.bench;

import dev.endoreward.batch.TokenBudget;
import dev.endoreward.spark.config.ScoreKeys;
import dev.endoreward.batch.TokenBudgetBatcher;
import dev.endoreward.reward.Outcome;
import dev.endoreward.testing.SharedFixtures;
import dev.endoreward.text.EncodedPair;
import dev.endoreward.text.LengthLimiter;
import dev.endoreward.text.OverlongPromptPolicy;
import dev.endoreward.text.PairEncoder;
import dev.endoreward.text.TemplateMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Padding that token budgets plan for the benchmark pairs, with and without length bucketing, at several
 * input sizes: no model runs, so large inputs cost seconds. Each input is split into contiguous
 * slices, one per task, and each slice is planned as one chunk, as the score job does when a task's rows
 * fit in {@code batch.chunk-rows}.
 *
 * <pre>
 *   PaddingPlan [--model DIR] [--sizes 10,100,1000] [--max-tokens 16384] [--tasks 2] [--length-max 512]
 * </pre>
 *
 * <p>{@code --sizes} are HH-RLHF comparisons per input, two pairs each; {@code --max-tokens} are the token
 * budgets to plan with (rows per batch stay at the default).
 */
public final class PaddingPlan {
  private PaddingPlan() {}

  public static void main(String[] args) {
    BenchArgs options = new BenchArgs(args, Set.of("model", "sizes", "max-tokens", "tasks", "length-max"));
    Path model = options.text("model", null) != null ? Path.of(options.text("model", null))
        : SharedFixtures.storiesArtefact();
    int tasks = options.integer("tasks", 2);
    int lengthMax = options.integer("length-max", EngineBenchmark.LENGTH_MAX_DEFAULT);
    List<Integer> sizes = integers(options.text("sizes", "10,100,1000"));
    List<Integer> budgets =
        integers(options.text("max-tokens", String.valueOf(ScoreKeys.BATCH_MAX_TOKENS.defaultValue())));

    int largest = sizes.stream().mapToInt(Integer::intValue).max().orElseThrow();
    int[] lengths = encodedLengths(model, largest, lengthMax); // [2 * largest], -1 for rejected pairs
    System.out.printf("Planned padding: at most %d rows per batch, length.max %d, %d tasks of contiguous rows%n",
        ScoreKeys.BATCH_MAX_ROWS.defaultValue(), lengthMax, tasks);
    System.out.printf("  | %10s | %6s | %13s | %10s | %17s | %17s |%n", "max-tokens", "pairs", "rows per task",
        "tokens", "padding, bucketed", "padding, in order");
    System.out.printf("  | %10s | %6s | %13s | %10s | %17s | %17s |%n", "-".repeat(10), "-".repeat(6),
        "-".repeat(13), "-".repeat(10), "-".repeat(17), "-".repeat(17));
    for (int maxTokens : budgets) {
      for (int size : sizes) {
        int pairs = 2 * size;
        long real = 0;
        long paddedSorted = 0;
        long paddedInOrder = 0;
        for (int task = 0; task < tasks; task++) {
          int[] slice = scored(lengths, pairs * task / tasks, pairs * (task + 1) / tasks);
          real += sum(slice);
          paddedSorted += padded(slice, maxTokens, true);
          paddedInOrder += padded(slice, maxTokens, false);
        }
        System.out.printf("  | %,10d | %,6d | %,13d | %,10d | %16.2f%% | %16.2f%% |%n", maxTokens, pairs,
            pairs / tasks, real, 100.0 * paddedSorted / (real + paddedSorted),
            100.0 * paddedInOrder / (real + paddedInOrder));
      }
    }
  }

  private static List<Integer> integers(String commaSeparated) {
    List<Integer> values = new ArrayList<>();
    for (String value : commaSeparated.split(",")) {
      try {
        values.add(Integer.parseInt(value.strip()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("Cannot read '" + commaSeparated + "': expected whole numbers separated"
            + " by commas", e);
      }
    }
    return values;
  }

  /** Prompt + response tokens of each pair once fitted to {@code lengthMax}; -1 where the engine rejects it. */
  private static int[] encodedLengths(Path model, int comparisons, int lengthMax) {
    List<BenchPairs.BenchPair> pairs = BenchPairs.hhRlhf(comparisons);
    LengthLimiter limiter = new LengthLimiter(lengthMax, OverlongPromptPolicy.TRUNCATE_LEFT);
    int[] lengths = new int[pairs.size()];
    try (PairEncoder encoder = PairEncoder.open(model, TemplateMode.PLAIN)) {
      for (int i = 0; i < pairs.size(); i++) {
        Outcome<EncodedPair> fitted = encoder.encode(pairs.get(i).toPairInput()).then(limiter::fit);
        lengths[i] = fitted.isRejected() ? -1 : fitted.value().length();
      }
    }
    return lengths;
  }

  private static int[] scored(int[] lengths, int from, int to) {
    List<Integer> kept = new ArrayList<>();
    for (int i = from; i < to; i++) {
      if (lengths[i] >= 0) {
        kept.add(lengths[i]);
      }
    }
    return kept.stream().mapToInt(Integer::intValue).toArray();
  }

  private static long padded(int[] lengths, int maxTokens, boolean sortByLength) {
    TokenBudget budget = new TokenBudget(maxTokens, ScoreKeys.BATCH_MAX_ROWS.defaultValue(), sortByLength);
    long padded = 0;
    for (int[] batch : TokenBudgetBatcher.plan(lengths, budget)) {
      padded += TokenBudgetBatcher.paddedSize(batch, lengths);
    }
    return padded - sum(lengths);
  }

  private static long sum(int[] values) {
    long total = 0;
    for (int value : values) {
      total += value;
    }
    return total;
  }
}

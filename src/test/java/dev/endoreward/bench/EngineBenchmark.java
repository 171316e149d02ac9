package dev.endoreward.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.endoreward.batch.BatchScorer;
import dev.endoreward.engine.EngineOptions;
import dev.endoreward.engine.RewardEngine;
import dev.endoreward.model.ModelArtefact;
import dev.endoreward.model.TorchRewardHead;
import dev.endoreward.reward.EndogenousReward;
import dev.endoreward.reward.Outcome;
import dev.endoreward.spark.config.ScoreConfig;
import dev.endoreward.spark.config.ScoreKeys;
import dev.endoreward.testing.SharedFixtures;
import dev.endoreward.text.LengthLimiter;
import dev.endoreward.text.PairEncoder;
import dev.endoreward.text.PairInput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * Measures the Java engine's throughput on the fixed HH-RLHF pair set: the model loaded (and warmed up where the
 * engine does it, {@link RewardEngine#warmUpWhereItHelps}), a first (cold) pass over every pair, then the timed
 * pass over every pair. The cold pass pays what a fresh JVM pays once, such as the TorchScript executor's
 * profiling and optimisation of the graph. With {@code --warm-up true} the model is warmed up on any device
 * first, to measure what the warm-up saves the cold pass. Prints the figures,
 * and optionally writes them as JSON and writes the timed pass's exact batches for the eager Python
 * baseline to replay.
 *
 * <pre>
 *   EngineBenchmark [--model DIR] [--comparisons 100] [--length-max 512] [--threads N] [--scorers 1]
 *                   [--max-tokens 16384] [--sort-by-length true] [--warm-up false] [--result-out FILE]
 *                   [--batches-out FILE] [--on-loading-thread false] [--copies 1]
 * </pre>
 *
 * <p>{@code --threads} is PyTorch's intra-op thread count for the whole JVM (default: all cores);
 * {@code --scorers} runs that many scorers on threads of their own, each over a contiguous slice of the
 * pairs, sharing the one loaded model as a Spark executor's tasks do. The scorers' threads are never the
 * one that loaded the model, as in a Spark executor, where a model loaded by one task scores the next tasks
 * on other threads; {@code --on-loading-thread true} scores on the loading thread instead (one scorer only),
 * to measure what that thread difference costs. {@code --copies} scores the pair set that many times over
 * ({@link BenchPairs#hhRlhf(int, int)}), for inputs larger than the data.
 */
public final class EngineBenchmark {
  /** HH-RLHF comparisons in the fixed pair set; each gives two pairs. */
  static final int COMPARISONS_DEFAULT = 100;
  static final int LENGTH_MAX_DEFAULT = 512;

  // Read by the PyTorch engine once, when it starts; the score job sets them the same way.
  private static final String THREADS_PROPERTY = "ai.djl.pytorch.num_threads";
  private static final String INTEROP_THREADS_PROPERTY = "ai.djl.pytorch.num_interop_threads";

  private EngineBenchmark() {}

  public static void main(String[] args) throws Exception {
    BenchArgs options = new BenchArgs(args, Set.of("model", "comparisons", "length-max", "threads", "scorers",
        "max-tokens", "sort-by-length", "warm-up", "result-out", "batches-out", "on-loading-thread", "copies"));
    int threads = options.integer("threads", Runtime.getRuntime().availableProcessors());
    int scorers = options.integer("scorers", 1);
    boolean onLoadingThread = options.bool("on-loading-thread", false);
    if (onLoadingThread && scorers != 1) {
      throw new IllegalArgumentException("Cannot score on the loading thread with " + scorers + " scorers: use one");
    }
    String batchesOut = options.text("batches-out", null);
    String resultOut = options.text("result-out", null);
    Path model = options.text("model", null) != null ? Path.of(options.text("model", null))
        : SharedFixtures.storiesArtefact();
    System.setProperty(THREADS_PROPERTY, String.valueOf(threads));
    System.setProperty(INTEROP_THREADS_PROPERTY, "1");

    List<PairInput> pairs = BenchPairs.hhRlhf(options.integer("comparisons", COMPARISONS_DEFAULT),
            options.integer("copies", 1)).stream()
        .map(BenchPairs.BenchPair::toPairInput).toList();
    EngineOptions engineOptions = ScoreConfig.forLibrary(Map.of(
        ScoreKeys.MODEL_PATH.name(), model.toString(),
        ScoreKeys.MODEL_DEVICE.name(), "cpu",
        ScoreKeys.TEMPLATE_MODE.name(), "plain",
        ScoreKeys.BATCH_MAX_TOKENS.name(), options.text("max-tokens", ""),
        ScoreKeys.BATCH_SORT_BY_LENGTH.name(), options.text("sort-by-length", ""),
        ScoreKeys.LENGTH_MAX.name(), String.valueOf(options.integer("length-max", LENGTH_MAX_DEFAULT))))
        .engineOptions();

    long loadStart = System.nanoTime();
    ModelArtefact artefact = ModelArtefact.open(model);
    int maxLength = engineOptions.maxLengthOn(artefact.manifest().maxLength());
    try (TorchRewardHead head = TorchRewardHead.load(artefact, engineOptions.device());
        PairEncoder encoder = PairEncoder.open(artefact.directory(), engineOptions.templateMode())) {
      long warmUpStart = System.nanoTime();
      if (options.bool("warm-up", false)) {
        RewardEngine.warmUp(head, engineOptions);
      } else {
        RewardEngine.warmUpWhereItHelps(head, engineOptions);
      }
      double warmUpSeconds = (System.nanoTime() - warmUpStart) / 1e9;
      RecordingRewardHead recording = new RecordingRewardHead(head);
      // The engine's own pipeline, on a head that records the batches it runs.
      Supplier<BatchScorer> newScorer = () -> new BatchScorer(encoder,
          new LengthLimiter(maxLength, engineOptions.overlongPromptPolicy()), engineOptions.budget(), recording,
          new EndogenousReward(engineOptions.reward()));
      double loadSeconds = (System.nanoTime() - loadStart) / 1e9; // the warm-up included
      PassResult cold = runPass(newScorer, pairs, scorers, onLoadingThread);
      recording.reset(batchesOut != null);
      PassResult timed = runPass(newScorer, pairs, scorers, onLoadingThread);

      Map<String, Object> result = new LinkedHashMap<>();
      result.put("model", model.toString());
      result.put("pairs", pairs.size());
      result.put("length_max", maxLength);
      result.put("threads", threads);
      result.put("scorers", scorers);
      result.put("on_loading_thread", onLoadingThread);
      result.put("sort_by_length", engineOptions.budget().sortByLength());
      result.put("max_tokens_per_batch", engineOptions.budget().maxTokensPerBatch());
      result.put("max_rows_per_batch", engineOptions.budget().maxRowsPerBatch());
      result.put("load_seconds", loadSeconds);
      result.put("warm_up_seconds", warmUpSeconds);
      result.put("cold_seconds", cold.seconds);
      result.put("cold_tokens_per_second", cold.tokensPerSecond());
      result.put("seconds", timed.seconds);
      result.put("rows_scored", timed.scored);
      result.put("rows_rejected", timed.rejected);
      result.put("prompt_tokens", timed.promptTokens);
      result.put("response_tokens", timed.responseTokens);
      result.put("padded_tokens", timed.paddedTokens);
      result.put("padding_fraction", timed.paddingFraction());
      result.put("batches", timed.batches);
      result.put("tokens_per_second", timed.tokensPerSecond());
      // With several scorers the forward passes overlap, so their summed time says nothing about throughput.
      result.put("forward_seconds", scorers == 1 ? recording.forwardSeconds() : null);
      result.put("forward_tokens_per_second", scorers == 1 ? recording.tokens() / recording.forwardSeconds() : null);
      result.put("peak_rss_bytes", ProcessMemory.peakResidentBytes());
      print(result);

      if (resultOut != null) {
        write(Path.of(resultOut), new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .writeValueAsString(result));
      }
      if (batchesOut != null) {
        Map<String, Object> replay = new LinkedHashMap<>();
        replay.put("pad_token_id", artefact.manifest().padTokenId());
        replay.put("threads", threads);
        replay.put("batches", recording.batches()); // [batch][row][token], unpadded
        write(Path.of(batchesOut), new ObjectMapper().writeValueAsString(replay));
      }
    }
  }

  /**
   * Scores every pair once, split over {@code scorers} threads with a fresh scorer each, or on this thread
   * with one scorer.
   */
  private static PassResult runPass(Supplier<BatchScorer> newScorer, List<PairInput> pairs, int scorers,
      boolean onThisThread) throws InterruptedException, ExecutionException {
    if (onThisThread) {
      long start = System.nanoTime();
      PassResult result = scoreSlice(newScorer.get(), pairs);
      result.seconds = (System.nanoTime() - start) / 1e9;
      return result;
    }
    ExecutorService pool = Executors.newFixedThreadPool(scorers);
    try {
      List<Future<PassResult>> slices = new ArrayList<>();
      long start = System.nanoTime();
      for (int s = 0; s < scorers; s++) {
        List<PairInput> slice = pairs.subList(pairs.size() * s / scorers, pairs.size() * (s + 1) / scorers);
        slices.add(pool.submit(() -> scoreSlice(newScorer.get(), slice)));
      }
      PassResult total = new PassResult();
      for (Future<PassResult> slice : slices) {
        total.add(slice.get());
      }
      total.seconds = (System.nanoTime() - start) / 1e9;
      return total;
    } finally {
      pool.shutdown();
    }
  }

  private static PassResult scoreSlice(BatchScorer scorer, List<PairInput> slice) {
    PassResult result = new PassResult();
    for (Outcome<?> outcome : scorer.score(slice)) {
      if (outcome.isRejected()) {
        result.rejected++;
      } else {
        result.scored++;
      }
    }
    result.promptTokens = scorer.stats().promptTokens();
    result.responseTokens = scorer.stats().responseTokens();
    result.paddedTokens = scorer.stats().paddedTokens();
    result.batches = scorer.stats().batches();
    return result;
  }

  private static void print(Map<String, Object> r) {
    long real = (long) r.get("prompt_tokens") + (long) r.get("response_tokens");
    System.out.printf("Engine benchmark: %s%n", r.get("model"));
    System.out.printf("  %,d pairs, plain template, length.max %d (prompts truncated on the left), budget %,d tokens"
            + " / %d rows, length-sorted %s%n", r.get("pairs"), r.get("length_max"), r.get("max_tokens_per_batch"),
        r.get("max_rows_per_batch"), r.get("sort_by_length"));
    System.out.printf("  %d intra-op threads, %d scorer thread(s)%s; model load %.2f s, of which warm-up %.2f s;"
            + " first (cold) pass %.2f s, %,.0f tokens/s%n", r.get("threads"), r.get("scorers"),
        (boolean) r.get("on_loading_thread") ? " on the loading thread" : "", r.get("load_seconds"),
        r.get("warm_up_seconds"), r.get("cold_seconds"), r.get("cold_tokens_per_second"));
    System.out.printf("  | %-34s | %15s |%n", "timed pass", "value");
    System.out.printf("  | %-34s | %15s |%n", "-".repeat(34), "-".repeat(15));
    System.out.printf("  | %-34s | %,15d |%n", "rows scored", r.get("rows_scored"));
    System.out.printf("  | %-34s | %,15d |%n", "rows rejected", r.get("rows_rejected"));
    System.out.printf("  | %-34s | %,15d |%n", "prompt + response tokens", real);
    System.out.printf("  | %-34s | %,15d |%n", "padded tokens", r.get("padded_tokens"));
    System.out.printf("  | %-34s | %14.2f%% |%n", "padding", 100 * (double) r.get("padding_fraction"));
    System.out.printf("  | %-34s | %,15d |%n", "batches", r.get("batches"));
    System.out.printf("  | %-34s | %15.2f |%n", "wall seconds", r.get("seconds"));
    System.out.printf("  | %-34s | %,15.0f |%n", "engine tokens/s (end to end)", r.get("tokens_per_second"));
    if (r.get("forward_tokens_per_second") != null) {
      System.out.printf("  | %-34s | %,15.0f |%n", "forward-only tokens/s", r.get("forward_tokens_per_second"));
    }
    System.out.printf("  | %-34s | %,15.1f |%n", "peak RSS, MiB (VmHWM)", (long) r.get("peak_rss_bytes") / 1048576.0);
  }

  private static void write(Path file, String text) {
    try {
      if (file.getParent() != null) {
        Files.createDirectories(file.getParent());
      }
      Files.writeString(file, text);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file, e);
    }
  }

  /** Token and row counts of one pass, summed over its scorers. */
  private static final class PassResult {
    double seconds;
    long scored;
    long rejected;
    long promptTokens;
    long responseTokens;
    long paddedTokens;
    long batches;

    void add(PassResult other) {
      scored += other.scored;
      rejected += other.rejected;
      promptTokens += other.promptTokens;
      responseTokens += other.responseTokens;
      paddedTokens += other.paddedTokens;
      batches += other.batches;
    }

    double paddingFraction() {
      long computed = promptTokens + responseTokens + paddedTokens;
      return computed == 0 ? 0 : (double) paddedTokens / computed;
    }

    double tokensPerSecond() {
      return (promptTokens + responseTokens) / seconds;
    }
  }
}

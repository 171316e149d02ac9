package dev.endoreward.spark;

import dev.endoreward.reward.RejectReason;
import java.io.Serializable;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.spark.SparkContext;
import org.apache.spark.util.LongAccumulator;

/**
 * One attempt's Spark accumulators: rows, tokens, rejects by reason and model loads. They drive the progress
 * line (through {@link ProgressListener}, which sees them inside running tasks) and the attempt's work figures
 * ({@link Attempt}). Accumulators updated in transformations count a
 * retried task twice, so no count of the run's results comes from them: {@link RunTally} reads those back
 * from the committed output.
 */
final class ScoreMetrics implements Serializable {
  final LongAccumulator rowsScored;
  final LongAccumulator promptTokens;
  final LongAccumulator responseTokens;
  final LongAccumulator paddedTokens;
  final LongAccumulator modelLoads;
  final Map<RejectReason, LongAccumulator> rejected = new EnumMap<>(RejectReason.class);

  ScoreMetrics(SparkContext context) {
    rowsScored = context.longAccumulator("endoreward rows scored");
    promptTokens = context.longAccumulator("endoreward prompt tokens");
    responseTokens = context.longAccumulator("endoreward response tokens");
    paddedTokens = context.longAccumulator("endoreward padded tokens");
    modelLoads = context.longAccumulator("endoreward model loads");
    for (RejectReason reason : RejectReason.values()) {
      rejected.put(reason, context.longAccumulator("endoreward rejected " + reason));
    }
  }

  long rowsRejected() {
    return rejected.values().stream().mapToLong(LongAccumulator::value).sum();
  }

  /** Rows finished, scored or rejected. */
  long rowsDone() {
    return rowsScored.value() + rowsRejected();
  }

  /** A listener that counts {@link #rowsDone} and {@link #tokensScored} inside running tasks too. */
  ProgressListener progressListener() {
    Set<Long> rows = new HashSet<>();
    rows.add(rowsScored.id());
    rejected.values().forEach(accumulator -> rows.add(accumulator.id()));
    return new ProgressListener(rows, Set.of(promptTokens.id(), responseTokens.id()));
  }

  /** Tokens the model scored: prompt and response tokens of scored rows. */
  long tokensScored() {
    return promptTokens.value() + responseTokens.value();
  }
}

package dev.endoreward.spark;

import dev.endoreward.batch.ScoringProgress;
import java.io.Serializable;
import java.util.Set;
import org.apache.spark.SparkContext;
import org.apache.spark.util.LongAccumulator;

/**
 * One attempt's Spark accumulators: rows done, tokens scored and padded, and model loads. They drive the progress
 * line (through {@link ProgressListener}, which sees them inside running tasks) and the attempt's work figures
 * ({@link Attempt}). Accumulators updated in transformations count a
 * retried task twice, so no count of the run's results comes from them: {@link RunTally} reads those back
 * from the committed output.
 */
final class ScoreMetrics implements Serializable {
  /** Rows finished, scored or rejected, counted batch by batch as the scorer tells of them. */
  final LongAccumulator rowsDone;
  /** Prompt and response tokens the model scored, counted batch by batch. */
  final LongAccumulator tokensScored;
  final LongAccumulator paddedTokens;
  final LongAccumulator modelLoads;

  ScoreMetrics(SparkContext context) {
    rowsDone = context.longAccumulator("endoreward rows done");
    tokensScored = context.longAccumulator("endoreward tokens scored");
    paddedTokens = context.longAccumulator("endoreward padded tokens");
    modelLoads = context.longAccumulator("endoreward model loads");
  }

  /** Hears the scorer's batches inside a task. */
  ScoringProgress scoringProgress() {
    return (rows, tokens) -> {
      rowsDone.add(rows);
      tokensScored.add(tokens);
    };
  }

  /** A listener that counts {@link #rowsDone} and {@link #tokensScored} inside running tasks too. */
  ProgressListener progressListener() {
    return new ProgressListener(Set.of(rowsDone.id()), Set.of(tokensScored.id()));
  }
}

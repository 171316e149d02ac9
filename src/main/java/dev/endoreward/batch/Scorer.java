package dev.endoreward.batch;

import dev.endoreward.reward.Outcome;
import dev.endoreward.text.PairInput;
import java.util.List;

/**
 * Scores prompt/response pairs. The seam between the Spark glue and the model: the Spark job takes its
 * scorers from a factory, so its plumbing is tested with a fast implementation, and model tests need no
 * Spark. {@link BatchScorer} is the implementation backed by an exported model.
 */
public interface Scorer {

  /**
   * Scores a chunk of pairs. Bad rows come back as rejections, never as exceptions.
   *
   * @return one outcome per pair, in input order
   */
  List<Outcome<ScoredPair>> score(List<PairInput> pairs);

  /**
   * Scores a chunk of pairs as {@link #score(List)} does, telling {@code progress} of rows as they finish. This
   * default tells it once, at the end; an implementation that scores in batches tells it after each.
   */
  default List<Outcome<ScoredPair>> score(List<PairInput> pairs, ScoringProgress progress) {
    List<Outcome<ScoredPair>> results = score(pairs);
    long tokens = 0;
    for (Outcome<ScoredPair> result : results) {
      if (!result.isRejected()) {
        tokens += result.value().tokens().promptIds().length + result.value().tokens().responseIds().length;
      }
    }
    progress.done(results.size(), tokens);
    return results;
  }

  /** Token counts of everything this scorer has scored so far. */
  ScoringStats stats();
}

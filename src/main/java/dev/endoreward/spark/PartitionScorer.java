package dev.endoreward.spark;

import dev.endoreward.batch.ScoredPair;
import dev.endoreward.batch.Scorer;
import dev.endoreward.reward.Outcome;
import dev.endoreward.reward.Rejection;
import dev.endoreward.reward.SequenceReward;
import dev.endoreward.text.PairInput;
import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Scores one partition as a stream: rows are read in chunks of {@code chunkRows}, each chunk is
 * tokenised, length-sorted, batched and scored, and its output rows are emitted before the next chunk
 * is read. Memory is bounded by the chunk and the token budget, whatever the partition's size. Every
 * input row comes out exactly once, with either score columns or reject columns filled in.
 *
 * <p>It knows nothing of where rows come from or go to, nor of the model: {@link EndogenousRewardScorer}
 * runs it in {@code mapPartitions}, with the scorer its {@link ScorerFactory} opens.
 */
final class PartitionScorer implements Serializable {
  private final PairReader reader;
  private final OutputColumns output;
  private final int chunkRows;
  private final int scoreColumnCount;
  private final ScoreMetrics metrics;
  private final ScorerFactory scorers;
  private final int[] carried;
  private final PromptIds promptIds;

  /**
   * @param carried the indices of the input columns the output carries (all but the hidden ones, and an
   *     input {@code prompt_id}, which becomes the output's)
   * @param promptIds where each row's {@code prompt_id} comes from
   * @param chunkRows rows scored together, at least 1 ({@code batch.chunk-rows})
   * @param scorers opens the task's scorer once a row needs it
   */
  PartitionScorer(PairReader reader, int[] carried, PromptIds promptIds, OutputColumns output, int chunkRows,
      ScoreMetrics metrics, ScorerFactory scorers) {
    this.reader = reader;
    this.carried = carried.clone();
    this.promptIds = promptIds;
    this.scoreColumnCount = output.scoreFields().size();
    this.output = output;
    this.chunkRows = chunkRows;
    this.metrics = metrics;
    this.scorers = scorers;
  }

  /** Scores one partition's {@code rows}, lazily, in input order. */
  Iterator<Row> score(Iterator<Row> rows) {
    return new ChunkIterator(rows);
  }

  private final class ChunkIterator implements Iterator<Row> {
    private final Iterator<Row> input;
    private final ArrayDeque<Row> ready = new ArrayDeque<>();
    private Scorer scorer;

    ChunkIterator(Iterator<Row> input) {
      this.input = input;
    }

    @Override
    public boolean hasNext() {
      if (ready.isEmpty() && input.hasNext()) {
        scoreNextChunk();
      }
      return !ready.isEmpty();
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return ready.poll();
    }

    private void scoreNextChunk() {
      List<Row> chunk = new ArrayList<>(chunkRows);
      while (chunk.size() < chunkRows && input.hasNext()) {
        chunk.add(input.next());
      }
      List<Outcome<PairInput>> pairs = chunk.stream().map(reader::read).toList();
      List<PairInput> readable = pairs.stream().filter(p -> !p.isRejected()).map(Outcome::value).toList();
      metrics.rowsDone.add(chunk.size() - readable.size());
      Iterator<Outcome<ScoredPair>> scored = readable.isEmpty()
          ? Collections.emptyIterator()
          : scoreWithEngine(readable).iterator();
      for (int i = 0; i < chunk.size(); i++) {
        Outcome<ScoredPair> outcome = pairs.get(i).isRejected()
            ? Outcome.rejected(pairs.get(i).rejection())
            : scored.next();
        ready.add(outcome.isRejected()
            ? rejectedRow(chunk.get(i), outcome.rejection())
            : scoredRow(chunk.get(i), outcome.value()));
      }
    }

    private List<Outcome<ScoredPair>> scoreWithEngine(List<PairInput> readable) {
      if (scorer == null) {
        scorer = scorers.open(metrics);
      }
      long padded = scorer.stats().paddedTokens();
      List<Outcome<ScoredPair>> results = scorer.score(readable, metrics.scoringProgress());
      metrics.paddedTokens.add(scorer.stats().paddedTokens() - padded);
      return results;
    }
  }

  private Row scoredRow(Row input, ScoredPair pair) {
    SequenceReward reward = pair.reward();
    List<Object> values = inputValues(input);
    values.add(promptIds.of(input, pair.tokens().fullPromptIds()));
    values.add(reward.reward());
    values.add(reward.rewardMean());
    values.add(reward.logprob());
    values.add(reward.logprobMean());
    values.add(reward.valuePrompt());
    values.add(pair.tokens().promptIds().length);
    values.add(pair.tokens().responseIds().length);
    values.add(pair.tokens().promptTruncated());
    if (output.tokenLevel()) {
      values.add(pair.tokens().responseIds());
      values.add(reward.tokenRewards());
      values.add(reward.tokenLogprobs());
    }
    if (output.promptTokenIds()) {
      values.add(pair.tokens().promptIds());
    }
    values.add(null);
    values.add(null);
    return RowFactory.create(values.toArray());
  }

  private Row rejectedRow(Row input, Rejection rejection) {
    List<Object> values = inputValues(input);
    values.add(promptIds.fromInput(input)); // without a prompt id column, the tokens were never seen
    for (int i = 0; i < scoreColumnCount; i++) {
      values.add(null);
    }
    values.add(rejection.reason().name());
    values.add(rejection.detail());
    return RowFactory.create(values.toArray());
  }

  private List<Object> inputValues(Row input) {
    List<Object> values = new ArrayList<>(carried.length + 16);
    for (int i : carried) {
      values.add(input.get(i));
    }
    return values;
  }
}

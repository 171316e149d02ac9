package dev.endoreward.batch;

import dev.endoreward.reward.EndogenousReward;
import dev.endoreward.reward.Outcome;
import dev.endoreward.reward.RewardHead;
import dev.endoreward.reward.RewardHead.HeadOutput;
import dev.endoreward.reward.SequenceReward;
import dev.endoreward.text.EncodedPair;
import dev.endoreward.text.LengthLimiter;
import dev.endoreward.text.PairEncoder;
import dev.endoreward.text.PairInput;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The engine's pipeline over one chunk: encode each pair, fit it to the model's length, plan
 * token-budget batches, run the reward head, and turn its outputs into rewards.
 *
 * <p>For a sequence of P prompt and R response tokens, the head's outputs at positions P-1 .. P+R-2
 * hold the response tokens' chosen logits, and its logsumexps at P-1 .. P+R-1 hold LSE_1 .. LSE_{R+1}.
 * Each row is sliced from its own outputs, so batch mates and padding cannot change it.
 */
public final class BatchScorer implements Scorer {
  private final PairEncoder encoder;
  private final LengthLimiter lengthLimiter;
  private final TokenBudget budget;
  private final RewardHead head;
  private final EndogenousReward reward;
  private final ScoringStats stats = new ScoringStats();

  public BatchScorer(PairEncoder encoder, LengthLimiter lengthLimiter, TokenBudget budget, RewardHead head,
      EndogenousReward reward) {
    this.encoder = encoder;
    this.lengthLimiter = lengthLimiter;
    this.budget = budget;
    this.head = head;
    this.reward = reward;
  }

  @Override
  public List<Outcome<ScoredPair>> score(List<PairInput> pairs) {
    return score(pairs, ScoringProgress.NONE);
  }

  @Override
  public List<Outcome<ScoredPair>> score(List<PairInput> pairs, ScoringProgress progress) {
    List<Outcome<ScoredPair>> results = new ArrayList<>(pairs.size());
    List<EncodedPair> encoded = new ArrayList<>();
    List<Integer> encodedRow = new ArrayList<>();
    for (PairInput pair : pairs) {
      Outcome<EncodedPair> fitted = encoder.encode(pair).then(lengthLimiter::fit);
      if (fitted.isRejected()) {
        results.add(Outcome.rejected(fitted.rejection()));
      } else {
        results.add(null); // filled in once its batch has run
        encoded.add(fitted.value());
        encodedRow.add(results.size() - 1);
      }
    }
    progress.done(pairs.size() - encoded.size(), 0); // rejected while encoding
    int[] lengths = encoded.stream().mapToInt(p -> p.promptIds().length + p.responseIds().length).toArray();
    for (int[] batch : TokenBudgetBatcher.plan(lengths, budget)) {
      List<int[]> sequences = new ArrayList<>(batch.length);
      int[] firstPositions = new int[batch.length]; // [rows]
      long realTokens = 0;
      for (int i = 0; i < batch.length; i++) {
        EncodedPair pair = encoded.get(batch[i]);
        sequences.add(concat(pair));
        firstPositions[i] = firstPositionRead(pair);
        realTokens += lengths[batch[i]];
      }
      List<HeadOutput> outputs = head.forward(sequences, firstPositions);
      stats.addBatch(realTokens, TokenBudgetBatcher.paddedSize(batch, lengths));
      for (int i = 0; i < batch.length; i++) {
        EncodedPair pair = encoded.get(batch[i]);
        results.set(encodedRow.get(batch[i]), rewardOf(pair, outputs.get(i)));
      }
      progress.done(batch.length, realTokens);
    }
    return results;
  }

  @Override
  public ScoringStats stats() {
    return stats;
  }

  /** The first position whose head outputs a pair's reward reads: the prompt's last, which predicts y_1. */
  private static int firstPositionRead(EncodedPair pair) {
    return pair.promptIds().length - 1;
  }

  private Outcome<ScoredPair> rewardOf(EncodedPair pair, HeadOutput output) {
    int first = firstPositionRead(pair);
    int r = pair.responseIds().length;
    float[] chosenLogits = Arrays.copyOfRange(output.nextTokenLogits(), first, first + r); // [R]
    float[] logSumExps = Arrays.copyOfRange(output.logSumExps(), first, first + r + 1); // [R + 1]
    Outcome<SequenceReward> computed = reward.compute(chosenLogits, logSumExps);
    if (computed.isRejected()) {
      return Outcome.rejected(computed.rejection());
    }
    stats.addScored(pair.promptIds().length, r);
    return Outcome.ok(new ScoredPair(pair, computed.value()));
  }

  private static int[] concat(EncodedPair pair) {
    int[] sequence = Arrays.copyOf(pair.promptIds(), pair.promptIds().length + pair.responseIds().length);
    System.arraycopy(pair.responseIds(), 0, sequence, pair.promptIds().length, pair.responseIds().length);
    return sequence;
  }
}

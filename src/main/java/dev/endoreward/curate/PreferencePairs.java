package dev.endoreward.curate;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Builds one prompt's preference pairs from its ranked responses. A pair needs a strictly higher chosen
 * score, so ties never make a pair, and its margin ({@code chosen - rejected}) must be at least the minimum.
 * The choice is deterministic: in {@link Candidate#BEST_FIRST} order, and for {@link PairMode#ALL} the
 * widest margin first, then the better chosen response, then the better rejected one.
 */
public final class PreferencePairs implements Serializable {
  private final PairMode mode;
  private final double minMargin;
  private final int maxPerPrompt;

  /** One pair of a prompt: positions in the list given to {@link #of}, and the margin. */
  public record Pair(int chosen, int rejected, double margin) implements Serializable {}

  public PreferencePairs(PairMode mode, double minMargin, int maxPerPrompt) {
    this.mode = mode;
    this.minMargin = minMargin;
    this.maxPerPrompt = maxPerPrompt;
  }

  /** The pairs of one prompt's responses, whose {@link Candidate#index()} is their position in the list. */
  public List<Pair> of(List<Candidate> responses) {
    List<Candidate> ranked = new ArrayList<>(responses);
    ranked.sort(Candidate.BEST_FIRST);
    List<Pair> pairs = new ArrayList<>();
    if (mode == PairMode.BEST_WORST) {
      if (ranked.size() >= 2) {
        addIfWide(pairs, ranked.get(0), ranked.get(ranked.size() - 1));
      }
      return pairs;
    }
    List<int[]> ranks = new ArrayList<>();
    for (int i = 0; i < ranked.size(); i++) {
      for (int j = i + 1; j < ranked.size(); j++) {
        if (addIfWide(pairs, ranked.get(i), ranked.get(j))) {
          ranks.add(new int[] {i, j});
        }
      }
    }
    List<Integer> order = new ArrayList<>();
    for (int p = 0; p < pairs.size(); p++) {
      order.add(p);
    }
    order.sort(Comparator.<Integer>comparingDouble(p -> -pairs.get(p).margin())
        .thenComparingInt(p -> ranks.get(p)[0])
        .thenComparingInt(p -> ranks.get(p)[1]));
    List<Pair> capped = new ArrayList<>();
    for (int p : order.subList(0, Math.min(maxPerPrompt, order.size()))) {
      capped.add(pairs.get(p));
    }
    return capped;
  }

  private boolean addIfWide(List<Pair> pairs, Candidate chosen, Candidate rejected) {
    double margin = chosen.score() - rejected.score();
    if (margin > 0 && margin >= minMargin) {
      pairs.add(new Pair(chosen.index(), rejected.index(), margin));
      return true;
    }
    return false;
  }
}

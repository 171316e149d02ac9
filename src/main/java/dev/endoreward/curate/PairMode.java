package dev.endoreward.curate;

/** Which preference pairs {@code pairs} builds from one prompt's responses. */
public enum PairMode {
  /** One pair: the best response against the worst. */
  BEST_WORST,
  /** Every pair whose margin is at least {@code pairs.min-margin}, the widest first, up to a cap per prompt. */
  ALL
}

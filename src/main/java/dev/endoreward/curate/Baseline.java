package dev.endoreward.curate;

/** What {@code offline-rl} measures a response's advantage against. */
public enum Baseline {
  /** The mean return of the prompt's scored responses: advantages within a prompt sum to 0. */
  PROMPT_MEAN,
  /** 0: the advantage is the return itself. */
  ZERO
}

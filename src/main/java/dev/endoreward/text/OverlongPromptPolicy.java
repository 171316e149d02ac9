package dev.endoreward.text;

/** What {@link LengthLimiter} does with a pair longer than the model's context. */
public enum OverlongPromptPolicy {
  /** Drop the earliest prompt content tokens until the pair fits; template tokens stay. */
  TRUNCATE_LEFT,
  /** Reject the pair as {@code TOO_LONG}. */
  REJECT
}

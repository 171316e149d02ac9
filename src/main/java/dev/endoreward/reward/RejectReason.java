package dev.endoreward.reward;

/** Stable codes for why an input row was not scored. They are written to the rejected output. */
public enum RejectReason {
  /** A required field (prompt, response, messages, id) is null. */
  NULL_FIELD,
  /** The response is empty, so there is no token to reward. */
  EMPTY_RESPONSE,
  /** The pair cannot fit in the model's context under the configured length policy. */
  TOO_LONG,
  /** The chat template could not render the conversation, or rendered it inconsistently. */
  TEMPLATE_ERROR,
  /** The model produced NaN or infinite values for this row. */
  NON_FINITE
}

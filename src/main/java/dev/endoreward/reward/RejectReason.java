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
  NON_FINITE,
  /** The input record could not be read: a JSON Lines line that is not a JSON object of the expected types. */
  MALFORMED_INPUT,
  /** The text is not valid Unicode (a lone surrogate, or bytes that are not UTF-8). */
  INVALID_TEXT,
  /** Another row of the input has the same id and comes first ({@code input.duplicate-ids=reject}). */
  DUPLICATE_ID
}

package dev.endoreward.spark.config;

/** What becomes of rows whose id an earlier row of the input has ({@code input.duplicate-ids}). */
public enum DuplicateIdPolicy {
  /** They are scored like any other row; the summary counts them. */
  KEEP,
  /** All rows but the first of each id are rejected, {@code DUPLICATE_ID}. */
  REJECT
}

package dev.endoreward.spark.config;

/** What becomes of an input record that cannot be read ({@code input.on-malformed}). */
public enum MalformedPolicy {
  /** The record becomes a rejected row, {@code MALFORMED_INPUT}, naming its file and line. */
  REJECT,
  /** The job stops with "Cannot read input &lt;file&gt;, line &lt;n&gt;: &lt;why&gt;". */
  FAIL
}

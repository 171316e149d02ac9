package dev.endoreward.spark;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What one finished {@code score} run holds, as {@code _summary.json} lists it. Every count is read back
 * from the run's committed output, so it is exact whatever Spark retried or a resume re-scored;
 * {@code rows_in} counts the input when the run started, independently, and
 * {@code rows_in = rows_scored + rows_rejected} is checked before the run is marked complete. How the work
 * went (time, model loads, padding) is per attempt.
 *
 * @param runId the run's id: its rows are under {@code scored/run_id=<id>/} and {@code rejected/run_id=<id>/}
 * @param outputPath the output folder
 * @param units the units the input was split into
 * @param rowsIn input rows
 * @param rowsScored rows in {@code scored/}
 * @param rowsRejected rows in {@code rejected/}
 * @param rejectedByReason rejected rows by {@code reject_reason}
 * @param duplicateIds rows whose id an earlier row has, scored or rejected ({@code input.duplicate-ids})
 * @param promptTokens prompt tokens of the scored rows
 * @param responseTokens response tokens of the scored rows
 * @param attempts the first attempt and every resume, in order
 * @param provenance model, tokenizer, template and config fingerprints, reward options, version
 * @param config every configuration key with its value
 */
public record RunSummary(
    @JsonProperty("run_id") String runId,
    @JsonProperty("output_path") String outputPath,
    @JsonProperty("units") int units,
    @JsonProperty("rows_in") long rowsIn,
    @JsonProperty("rows_scored") long rowsScored,
    @JsonProperty("rows_rejected") long rowsRejected,
    @JsonProperty("rejected_by_reason") Map<String, Long> rejectedByReason,
    @JsonProperty("duplicate_ids") long duplicateIds,
    @JsonProperty("prompt_tokens") long promptTokens,
    @JsonProperty("response_tokens") long responseTokens,
    @JsonProperty("attempts") List<Attempt> attempts,
    @JsonProperty("provenance") Map<String, String> provenance,
    @JsonProperty("config") Map<String, String> config) {

  /** The attempt that finished the run. */
  public Attempt lastAttempt() {
    return attempts.get(attempts.size() - 1);
  }

  /** ": NULL_FIELD 1, TOO_LONG 2" for the reasons that occurred, in code order; empty when none did. */
  private String nonZeroReasons() {
    String reasons = rejectedByReason.entrySet().stream().filter(e -> e.getValue() > 0)
        .map(e -> String.format("%s %,d", e.getKey(), e.getValue())).collect(Collectors.joining(", "));
    return reasons.isEmpty() ? "" : ": " + reasons;
  }

  /** A few lines for the console. */
  public String describe() {
    Attempt last = lastAttempt();
    return String.format(
        "Scored %,d of %,d rows (%,d rejected%s; %,d duplicate ids) in run %s (%,d unit(s), %,d committed by this attempt)"
            + " in %.1f s, %,.0f tokens/s, %.1f%% padding.%n"
            + "Output: %s/scored, %s/rejected, %s/_summary.json; %s/_SUCCESS marks it complete",
        rowsScored, rowsIn, rowsRejected, nonZeroReasons(), duplicateIds, runId, units, last.unitsCommitted(), last.wallSeconds(),
        last.tokensPerSecond(), 100 * last.paddingFraction(), outputPath, outputPath, outputPath, outputPath);
  }
}

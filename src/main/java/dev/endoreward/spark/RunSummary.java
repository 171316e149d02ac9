package dev.endoreward.spark;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.Map;

/**
 * What one {@code score} run did, written to {@code _summary.json}. Row counts are exact even when Spark
 * retried tasks: {@code rows_in} counts the input, and the outcome counts count the run's persisted result,
 * independently of each other, so {@code rows_in = rows_scored + rows_rejected} is a check, not a
 * definition. Token counts come from accumulators.
 *
 * @param outputPath the run's output folder
 * @param rowsIn input rows read
 * @param rowsScored rows scored, as written to {@code scored/}
 * @param rowsRejected rows rejected, as written to {@code rejected/}
 * @param rejectedByReason rejected rows by {@code reject_reason}
 * @param promptTokens prompt tokens of scored rows
 * @param responseTokens response tokens of scored rows
 * @param paddedTokens pad positions computed and ignored
 * @param paddingFraction padded / (prompt + response + padded)
 * @param wallSeconds the run's wall time
 * @param tokensPerSecond scored tokens (prompt + response) per wall second
 * @param modelLoads models loaded by executors during the run
 * @param provenance model, tokenizer, template and config fingerprints, reward options, version
 * @param config every configuration key with its value
 */
public record RunSummary(
    @JsonProperty("output_path") String outputPath,
    @JsonProperty("rows_in") long rowsIn,
    @JsonProperty("rows_scored") long rowsScored,
    @JsonProperty("rows_rejected") long rowsRejected,
    @JsonProperty("rejected_by_reason") Map<String, Long> rejectedByReason,
    @JsonProperty("prompt_tokens") long promptTokens,
    @JsonProperty("response_tokens") long responseTokens,
    @JsonProperty("padded_tokens") long paddedTokens,
    @JsonProperty("padding_fraction") double paddingFraction,
    @JsonProperty("wall_seconds") double wallSeconds,
    @JsonProperty("tokens_per_second") double tokensPerSecond,
    @JsonProperty("model_loads") long modelLoads,
    @JsonProperty("provenance") Map<String, String> provenance,
    @JsonProperty("config") Map<String, String> config) {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot serialise the run summary", e);
    }
  }

  /** A few lines for the console. */
  public String describe() {
    return String.format(
        "Scored %,d of %,d rows (%,d rejected: %s) in %.1f s, %,.0f tokens/s, %.1f%% padding.%n"
            + "Output: %s/scored, %s/rejected, %s/_summary.json",
        rowsScored, rowsIn, rowsRejected, rejectedByReason, wallSeconds, tokensPerSecond, 100 * paddingFraction,
        outputPath, outputPath, outputPath);
  }
}

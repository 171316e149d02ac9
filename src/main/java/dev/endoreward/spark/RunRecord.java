package dev.endoreward.spark;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * What a run is, fixed when it starts and kept as {@code _runs/<run_id>/run.json}: its units, its input,
 * the model and settings it scores with and the columns it writes. A resumed run is checked against it and
 * continues with its plan; an appended run is checked against every earlier one.
 *
 * @param runId the run's id, also the {@code run_id=} folder of its rows
 * @param created when it started, UTC
 * @param unitCount how many units the input was split into
 * @param unitRule how a row's unit follows from its id ({@link UnitPlan#RULE})
 * @param rowsIn input rows, counted when the run started
 * @param input the input files as they were then
 * @param provenance model, tokenizer and template sha256, reward options, config fingerprint, version
 * @param config every configuration key with its value
 * @param scoredColumns the scored rows' columns, {@code name:type} joined by {@code ,}
 * @param rejectedColumns the rejected rows' columns, likewise
 */
record RunRecord(
    @JsonProperty("run_id") String runId,
    @JsonProperty("created") String created,
    @JsonProperty("unit_count") int unitCount,
    @JsonProperty("unit_rule") String unitRule,
    @JsonProperty("rows_in") long rowsIn,
    @JsonProperty("input") List<InputFile> input,
    @JsonProperty("provenance") Map<String, String> provenance,
    @JsonProperty("config") Map<String, String> config,
    @JsonProperty("scored_columns") String scoredColumns,
    @JsonProperty("rejected_columns") String rejectedColumns) {

  private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
      .withZone(ZoneOffset.UTC);

  /** A new id: the start time, which sorts runs by age, and random digits, which tell apart runs of one second. */
  static String newRunId(Instant now) {
    return ID_TIME.format(now) + "-" + String.format("%06x", ThreadLocalRandom.current().nextInt(1 << 24));
  }

  /** Columns as this record writes them: names and types, without metadata (which holds per-run provenance). */
  static String columns(StructType schema) {
    StringBuilder text = new StringBuilder();
    for (StructField field : schema.fields()) {
      text.append(text.length() == 0 ? "" : ",").append(field.name()).append(':').append(field.dataType().simpleString());
    }
    return text.toString();
  }

  UnitPlan plan() {
    return new UnitPlan(unitCount);
  }
}

package dev.endoreward.spark;

import java.util.List;
import java.util.Map;

/**
 * What decides the results of the run this job would write: its input files, model and settings, and
 * the columns it writes. A resumed run must have the same as the run it continues; an appended run the
 * same model, template, reward options and columns as every run before it.
 *
 * @param input the input files
 * @param provenance model, tokenizer and template sha256, reward options, config fingerprint, version
 * @param config every configuration key with its value
 * @param scoredColumns the scored rows' columns ({@link RunRecord#columns})
 * @param rejectedColumns the rejected rows' columns
 */
record RunIdentity(List<InputFile> input, Map<String, String> provenance, Map<String, String> config,
    String scoredColumns, String rejectedColumns) {

  /** The record of a new run with this identity. */
  RunRecord newRun(String runId, String created, UnitPlan plan, long rowsIn) {
    return new RunRecord(runId, created, plan.unitCount(), UnitPlan.RULE, rowsIn, input, provenance, config,
        scoredColumns, rejectedColumns);
  }
}

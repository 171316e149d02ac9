package dev.endoreward.spark;

import dev.endoreward.spark.config.ScoreKeys;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The driver's checks of an output folder before a run writes to it, each failing with one
 * "Cannot ..." line that says what to do instead.
 */
final class RunChecks {
  /** Settings that change neither which rows a run writes nor their values; a resume may change them. */
  private static final Set<String> FREE_ON_RESUME = Set.of(ScoreKeys.OUTPUT_MODE.name(),
      ScoreKeys.OUTPUT_RESUME.name(), ScoreKeys.JOB_PROGRESS.name(),
      ScoreKeys.JOB_PROGRESS_INTERVAL.name());
  /**
   * Provenance that a resume compares besides the settings: the files behind the model path and the
   * project version. The config fingerprint covers the free settings too, and the model path is a setting.
   */
  private static final List<String> RESUME_PROVENANCE = List.of("model_sha256", "tokenizer_sha256", "template_mode",
      "template_sha256", "project_version");
  /** Provenance that every run in one folder shares, so that their rows can be read and compared together. */
  private static final List<String> APPEND_PROVENANCE = List.of("model_sha256", "tokenizer_sha256", "template_mode",
      "template_sha256", "alpha", "gamma", "terminal");

  private RunChecks() {}

  /**
   * Refuses a folder that is a file or lies under one, and one that exists when the mode forbids that; the
   * advice for an existing folder depends on what it holds, since each mode refuses some folders.
   */
  static void checkWritable(OutputFolder folder, boolean errorIfExists) {
    String file = folder.fileInTheWay();
    if (file != null) {
      String what = file.equals(folder.path()) ? "it" : file;
      throw new IllegalArgumentException("Cannot write to " + folder.path() + ": " + what
          + " is a file, not a folder; choose a folder path");
    }
    if (errorIfExists && folder.exists()) {
      throw new IllegalArgumentException("Cannot write to " + folder.path() + ": it already exists"
          + existingFolderAdvice(folder));
    }
  }

  private static String existingFolderAdvice(OutputFolder folder) {
    if (folder.isEmpty()) {
      return " (empty); set output.mode=append or output.mode=overwrite, or choose another folder";
    }
    if (folder.isComplete()) {
      return " with a complete result; add a run with output.mode=append, replace it with output.mode=overwrite,"
          + " or choose another folder";
    }
    if (!folder.runIds().isEmpty()) {
      return " with an incomplete run; finish it with --resume, replace it with output.mode=overwrite, or choose"
          + " another folder";
    }
    return " and holds no scoring run (no " + OutputFolder.RUNS + "/); choose another folder";
  }

  /**
   * The run to resume: the folder's incomplete run ({@link #runToResume}), if {@code current} would score it
   * the same way.
   *
   * @throws IllegalArgumentException "Cannot resume &lt;dir&gt;: &lt;what changed&gt;"
   */
  static RunRecord resumable(OutputFolder folder, RunIdentity current) {
    String refusal = "Cannot resume " + folder.path() + ": ";
    if (!folder.exists()) {
      throw new IllegalArgumentException(refusal + "it does not exist; start a new run without --resume");
    }
    if (folder.isComplete()) {
      throw new IllegalArgumentException(refusal + "it is complete (it has " + OutputFolder.SUCCESS
          + "); start a new run without --resume, with output.mode=append or output.mode=overwrite");
    }
    RunRecord run;
    try {
      run = folder.readRun(runToResume(folder));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(refusal + e.getMessage() + "; score it again without --resume, with"
          + " output.mode=overwrite", e);
    }
    String changed = settingChange(run, current);
    if (changed == null) {
      changed = change(RESUME_PROVENANCE, run, current);
    }
    if (changed == null) {
      String input = InputFile.difference(run.input(), current.input());
      changed = input == null ? null : "the input changed: " + input;
    }
    if (changed != null) {
      throw new IllegalArgumentException(refusal + changed + " (run " + run.runId() + ")");
    }
    return run;
  }

  /**
   * The run the summary says is in progress; when it names none, the last run, whose units all committed but
   * whose {@code _SUCCESS} was not written. A run that was named but has no record had not started when the
   * job stopped: an overwrite may then have deleted the earlier runs only in part, so nothing there can be
   * finished.
   *
   * @throws IllegalArgumentException with the reason after "Cannot resume &lt;dir&gt;: "
   */
  private static String runToResume(OutputFolder folder) {
    FolderSummary summary;
    try {
      summary = folder.readSummary();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("it has no readable " + OutputFolder.SUMMARY + ", so no run started there",
          e);
    }
    List<String> runs = folder.runIds();
    if (summary.inProgress() == null && runs.isEmpty()) {
      throw new IllegalArgumentException("it holds no run record (" + OutputFolder.RUNS + "/)");
    }
    String run = summary.inProgress() == null ? runs.get(runs.size() - 1) : summary.inProgress();
    if (!runs.contains(run)) {
      throw new IllegalArgumentException("its run " + run + " had not started when the job stopped (it has no"
          + " record)");
    }
    return run;
  }

  /**
   * Refuses to append to a folder unless it is complete and every run in it was scored like {@code current}
   * and from other input.
   */
  static void checkAppendable(OutputFolder folder, RunIdentity current) {
    if (folder.isEmpty()) {
      return;
    }
    String refusal = "Cannot append to " + folder.path() + ": ";
    if (!folder.isComplete()) {
      throw new IllegalArgumentException(refusal + "it is incomplete (no " + OutputFolder.SUCCESS
          + "); finish its run with --resume, or replace it with output.mode=overwrite");
    }
    List<String> runs = folder.runIds();
    if (runs.isEmpty()) {
      throw new IllegalArgumentException(refusal + "it holds no run record (" + OutputFolder.RUNS
          + "/), so its rows could not be told apart from this run's; choose another folder or output.mode=overwrite");
    }
    for (String id : runs) {
      RunRecord run = folder.readRun(id);
      String changed = change(APPEND_PROVENANCE, run, current);
      if (changed == null && !run.scoredColumns().equals(current.scoredColumns())) {
        changed = "the scored columns would change from (" + run.scoredColumns() + ") to (" + current.scoredColumns() + ")";
      }
      if (changed == null && !run.rejectedColumns().equals(current.rejectedColumns())) {
        changed = "the rejected columns would change from (" + run.rejectedColumns() + ") to ("
            + current.rejectedColumns() + ")";
      }
      if (changed != null) {
        throw new IllegalArgumentException(refusal + "its run " + id + " differs: " + changed
            + "; write this run to another folder");
      }
      if (InputFile.difference(run.input(), current.input()) == null) {
        throw new IllegalArgumentException(refusal + "its run " + id + " already scored this input (the same files,"
            + " sizes and times); score it again with output.mode=overwrite, or write this run to another folder");
      }
    }
  }

  private static String settingChange(RunRecord run, RunIdentity current) {
    Set<String> keys = new TreeSet<>(run.config().keySet());
    keys.addAll(current.config().keySet());
    for (String key : keys) {
      String before = run.config().get(key);
      String now = current.config().get(key);
      if (!FREE_ON_RESUME.contains(key) && !Objects.equals(before, now)) {
        return key + " changed from " + quoted(before) + " to " + quoted(now);
      }
    }
    return null;
  }

  private static String change(List<String> keys, RunRecord run, RunIdentity current) {
    for (String key : keys) {
      String before = run.provenance().get(key);
      String now = current.provenance().get(key);
      if (!Objects.equals(before, now)) {
        return key + " changed from " + quoted(before) + " to " + quoted(now);
      }
    }
    return null;
  }

  private static String quoted(String value) {
    return value == null ? "(absent)" : "'" + value + "'";
  }
}

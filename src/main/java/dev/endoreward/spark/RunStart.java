package dev.endoreward.spark;

import dev.endoreward.spark.config.JobConfig;
import dev.endoreward.spark.config.OutputConfig;
import dev.endoreward.spark.config.OutputMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Chooses the run a job writes and readies the output folder for it, on the driver. Every check runs before
 * the folder changes; then the summary says a run is in progress and {@code _SUCCESS} goes, and only then
 * does an overwrite delete the earlier runs and a new run count its input and record itself. So whenever a
 * kill stops it, the folder holds rows of one run only, or is marked incomplete, or both.
 */
final class RunStart {
  private RunStart() {}

  /**
   * The run to write: the folder's incomplete run when {@code output.resume()}, else a new one.
   *
   * @param countRows counts the input rows, for a new run's units; may run a Spark job, so it runs after the checks
   * @param taskSlots the tasks the job runs at once, the fewest units a new run of that many rows gets
   * @throws IllegalArgumentException "Cannot ..." when the folder refuses the run
   */
  static RunRecord start(OutputFolder folder, OutputConfig output, JobConfig job, RunIdentity identity,
      LongSupplier countRows, int taskSlots, Instant now) {
    if (output.resume()) {
      RunRecord run = RunChecks.resumable(folder, identity);
      folder.begin(new FolderSummary(folder.path(), false, run.runId(), finishedRuns(folder, run.runId())));
      return run;
    }
    if (output.mode() == OutputMode.APPEND) {
      RunChecks.checkAppendable(folder, identity);
    }
    String runId = RunRecord.newRunId(now);
    List<RunSummary> kept = output.mode() == OutputMode.APPEND ? finishedRuns(folder, null) : List.of();
    folder.begin(new FolderSummary(folder.path(), false, runId, kept));
    if (output.mode() == OutputMode.OVERWRITE) {
      folder.deleteRuns();
    }
    long rows = countRows.getAsLong();
    RunRecord run = identity.newRun(runId, now.toString(), UnitPlan.of(rows, job.partitions(), job.unitRows(), taskSlots), rows);
    folder.writeRun(run);
    return run;
  }

  /** The summaries of the folder's finished runs, oldest first, leaving out the run {@code except} (or none). */
  static List<RunSummary> finishedRuns(OutputFolder folder, String except) {
    List<RunSummary> runs = new ArrayList<>();
    for (String id : folder.runIds()) {
      if (!id.equals(except)) {
        runs.add(folder.readRunSummary(id));
      }
    }
    return runs;
  }
}

package dev.endoreward.spark;

import dev.endoreward.reward.RejectReason;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import dev.endoreward.spark.config.ScoreKeys;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * Counts a finished run from what it committed: its rows are read back from {@code scored/} and
 * {@code rejected/}, never taken from accumulators, which count retried tasks twice. A resumed run is
 * therefore counted exactly as the same run uninterrupted.
 */
final class RunTally {
  private RunTally() {}

  /**
   * The summary of {@code run}, whose units are all committed.
   *
   * @throws IllegalStateException when a unit is not committed, or the committed rows are not the input's count
   */
  static RunSummary summarise(SparkSession spark, OutputFolder folder, RunRecord run) {
    Map<Integer, Integer> committed = folder.committedUnits(run.runId());
    if (committed.size() != run.unitCount()) {
      throw new IllegalStateException("Cannot finish run " + run.runId() + ": " + committed.size() + " of its "
          + run.unitCount() + " units are committed");
    }
    Row scored = spark.read().parquet(folder.runPath(OutputFolder.SCORED, run.runId()))
        .agg(functions.count(functions.lit(1)),
            functions.coalesce(functions.sum(OutputColumns.NUM_PROMPT_TOKENS), functions.lit(0L)),
            functions.coalesce(functions.sum(OutputColumns.NUM_RESPONSE_TOKENS), functions.lit(0L)))
        .first();
    Map<String, Long> rejected = new LinkedHashMap<>();
    for (RejectReason reason : RejectReason.values()) {
      rejected.put(reason.name(), 0L);
    }
    for (Row row : spark.read().parquet(folder.runPath(OutputFolder.REJECTED, run.runId()))
        .groupBy(OutputColumns.REJECT_REASON).count().collectAsList()) {
      rejected.put(row.getString(0), row.getLong(1));
    }
    long rowsScored = scored.getLong(0);
    long rowsRejected = rejected.values().stream().mapToLong(Long::longValue).sum();
    if (rowsScored + rowsRejected != run.rowsIn()) {
      throw new IllegalStateException("Cannot finish run " + run.runId() + ": its committed units hold "
          + (rowsScored + rowsRejected) + " rows, but its input had " + run.rowsIn() + "; did the input change?");
    }
    long duplicateIds = duplicateIds(spark, folder, run);
    List<Attempt> attempts = new ArrayList<>();
    for (Attempt attempt : folder.attempts(run.runId())) {
      attempts.add(attempt.withUnitsCommitted(
          (int) committed.values().stream().filter(a -> a == attempt.attempt()).count()));
    }
    return new RunSummary(run.runId(), folder.path(), run.unitCount(), run.rowsIn(), rowsScored, rowsRejected,
        rejected, duplicateIds, scored.getLong(1), scored.getLong(2), attempts, run.provenance(), run.config());
  }

  /**
   * Rows of the run, scored or rejected, whose id another of its rows has too, less one per such id: the rows
   * that repeat an earlier id. A null id is no id.
   */
  private static long duplicateIds(SparkSession spark, OutputFolder folder, RunRecord run) {
    String id = run.config().get(ScoreKeys.INPUT_COLUMN_ID.name());
    Column idText = functions.col("`" + id.replace("`", "``") + "`").cast(DataTypes.StringType).as("id");
    Dataset<Row> ids = spark.read().parquet(folder.runPath(OutputFolder.SCORED, run.runId())).select(idText)
        .unionAll(spark.read().parquet(folder.runPath(OutputFolder.REJECTED, run.runId())).select(idText))
        .filter(functions.col("id").isNotNull());
    Row counts = ids.agg(functions.count(functions.lit(1)), functions.countDistinct(functions.col("id"))).first();
    return counts.getLong(0) - counts.getLong(1);
  }
}

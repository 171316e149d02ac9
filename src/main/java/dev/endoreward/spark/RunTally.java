package dev.endoreward.spark;

import dev.endoreward.reward.RejectReason;
import dev.endoreward.spark.config.ScoreKeys;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Counts a finished run from what it committed: its rows are read back from {@code scored/} and
 * {@code rejected/}, never taken from accumulators, which count retried tasks twice. A resumed run is
 * therefore counted exactly as the same run uninterrupted.
 *
 * <p>Everything is counted in one aggregate over the union of both outputs, so that the tally is one Spark
 * query, however many reasons there are. Both outputs are read with the schemas the job writes, which the
 * run record fixes, so that Spark need not read a footer in a job of its own to learn them.
 */
final class RunTally {
  private static final String ID = "id";
  private static final String REASON = "reason";

  private RunTally() {}

  /**
   * The summary of {@code run}, whose units are all committed.
   *
   * @param scoredSchema the scored rows' schema as the run writes them; only the columns counted are read
   * @param rejectedSchema the rejected rows' schema, likewise
   * @throws IllegalStateException when a unit is not committed, the committed rows are not the input's count,
   *     or a rejected row gives a reason this version does not know
   */
  static RunSummary summarise(SparkSession spark, OutputFolder folder, RunRecord run, StructType scoredSchema,
      StructType rejectedSchema) {
    Map<Integer, Integer> committed = folder.committedUnits(run.runId());
    if (committed.size() != run.unitCount()) {
      throw new IllegalStateException("Cannot finish run " + run.runId() + ": " + committed.size() + " of its "
          + run.unitCount() + " units are committed");
    }
    String id = run.config().get(ScoreKeys.INPUT_COLUMN_ID.name());
    Dataset<Row> scored = read(spark, folder.runPath(OutputFolder.SCORED, run.runId()), scoredSchema,
        id, OutputColumns.NUM_PROMPT_TOKENS, OutputColumns.NUM_RESPONSE_TOKENS)
        .select(idText(id), functions.lit(null).cast(DataTypes.StringType).as(REASON),
            functions.col(OutputColumns.NUM_PROMPT_TOKENS).cast(DataTypes.LongType),
            functions.col(OutputColumns.NUM_RESPONSE_TOKENS).cast(DataTypes.LongType));
    Dataset<Row> rejected = read(spark, folder.runPath(OutputFolder.REJECTED, run.runId()), rejectedSchema,
        id, OutputColumns.REJECT_REASON)
        .select(idText(id), functions.col(OutputColumns.REJECT_REASON).as(REASON),
            functions.lit(null).cast(DataTypes.LongType).as(OutputColumns.NUM_PROMPT_TOKENS),
            functions.lit(null).cast(DataTypes.LongType).as(OutputColumns.NUM_RESPONSE_TOKENS));

    RejectReason[] reasons = RejectReason.values();
    List<Column> counts = new ArrayList<>(List.of(
        functions.count(functions.lit(1)),
        functions.count(functions.col(REASON)),
        functions.coalesce(functions.sum(OutputColumns.NUM_PROMPT_TOKENS), functions.lit(0L)),
        functions.coalesce(functions.sum(OutputColumns.NUM_RESPONSE_TOKENS), functions.lit(0L)),
        functions.count(functions.col(ID)), // a null id is no id
        functions.countDistinct(functions.col(ID))));
    for (RejectReason reason : reasons) {
      counts.add(functions.count(functions.when(functions.col(REASON).equalTo(reason.name()), true)));
    }
    Row tally = scored.unionByName(rejected)
        .agg(counts.get(0), counts.subList(1, counts.size()).toArray(Column[]::new))
        .first();

    long rows = tally.getLong(0);
    long rowsRejected = tally.getLong(1);
    Map<String, Long> byReason = new LinkedHashMap<>();
    for (int i = 0; i < reasons.length; i++) {
      byReason.put(reasons[i].name(), tally.getLong(6 + i));
    }
    long known = byReason.values().stream().mapToLong(Long::longValue).sum();
    if (known != rowsRejected) {
      throw new IllegalStateException("Cannot finish run " + run.runId() + ": " + (rowsRejected - known)
          + " of its rejected rows give a reason other than " + byReason.keySet());
    }
    if (rows != run.rowsIn()) {
      throw new IllegalStateException("Cannot finish run " + run.runId() + ": its committed units hold "
          + rows + " rows, but its input had " + run.rowsIn() + "; did the input change?");
    }
    List<Attempt> attempts = new ArrayList<>();
    for (Attempt attempt : folder.attempts(run.runId())) {
      attempts.add(attempt.withUnitsCommitted(
          (int) committed.values().stream().filter(a -> a == attempt.attempt()).count()));
    }
    // Rows whose id another row has too, less one per such id: the rows that repeat an earlier id.
    long duplicateIds = tally.getLong(4) - tally.getLong(5);
    return new RunSummary(run.runId(), folder.path(), run.unitCount(), run.rowsIn(), rows - rowsRejected,
        rowsRejected, byReason, duplicateIds, tally.getLong(2), tally.getLong(3), attempts, run.provenance(),
        run.config());
  }

  /** The committed rows under {@code path}, reading only {@code columns} of {@code schema}. */
  private static Dataset<Row> read(SparkSession spark, String path, StructType schema, String... columns) {
    StructType read = new StructType();
    for (String column : columns) {
      read = read.add(schema.apply(column));
    }
    return spark.read().schema(read).parquet(path);
  }

  private static Column idText(String id) {
    return functions.col("`" + id.replace("`", "``") + "`").cast(DataTypes.StringType).as(ID);
  }
}

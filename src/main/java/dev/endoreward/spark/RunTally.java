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
import scala.Tuple2;

/**
 * Counts a finished run from what it committed: its rows are read back from {@code scored/} and
 * {@code rejected/}, never taken from accumulators, which count retried tasks twice. A resumed run is
 * therefore counted exactly as the same run uninterrupted.
 *
 * <p>Everything is counted in one pass over the union of both outputs, grouped by id so that repeated ids are
 * counted too: one Spark job of two stages, however many reasons there are. Both outputs are read with the
 * schemas the job writes, which the run record fixes, so that Spark need not read a footer in a job of its
 * own to learn them.
 */
final class RunTally {
  private static final String ID = "id";
  private static final String REASON = "reason";
  // What the tally's counts hold, by index; the reasons follow, in RejectReason's order.
  private static final int ROWS = 0;
  private static final int REJECTED = 1;
  private static final int PROMPT_TOKENS = 2;
  private static final int RESPONSE_TOKENS = 3;
  private static final int REPEATS = 4;
  private static final int FIRST_REASON = 5;

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
    long[] tally = scored.unionByName(rejected).javaRDD()
        .mapToPair(row -> new Tuple2<>(row.getString(0), counts(row, reasons)))
        .reduceByKey(RunTally::add)
        .map(RunTally::withRepeats)
        .fold(new long[FIRST_REASON + reasons.length], RunTally::add);

    long rows = tally[ROWS];
    long rowsRejected = tally[REJECTED];
    Map<String, Long> byReason = new LinkedHashMap<>();
    for (int i = 0; i < reasons.length; i++) {
      byReason.put(reasons[i].name(), tally[FIRST_REASON + i]);
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
    return new RunSummary(run.runId(), folder.path(), run.unitCount(), run.rowsIn(), rows - rowsRejected,
        rowsRejected, byReason, tally[REPEATS], tally[PROMPT_TOKENS], tally[RESPONSE_TOKENS], attempts,
        run.provenance(), run.config());
  }

  /** The committed rows under {@code path}, reading only {@code columns} of {@code schema}. */
  private static Dataset<Row> read(SparkSession spark, String path, StructType schema, String... columns) {
    StructType read = new StructType();
    for (String column : columns) {
      read = read.add(schema.apply(column));
    }
    return spark.read().schema(read).parquet(path);
  }

  /** One outcome row's counts: a row, rejected or not, its tokens, and one for its reason, if any. */
  private static long[] counts(Row row, RejectReason[] reasons) {
    long[] counts = new long[FIRST_REASON + reasons.length];
    counts[ROWS] = 1;
    if (!row.isNullAt(1)) {
      counts[REJECTED] = 1;
      String reason = row.getString(1);
      for (int i = 0; i < reasons.length; i++) {
        if (reasons[i].name().equals(reason)) {
          counts[FIRST_REASON + i] = 1;
        }
      }
    }
    counts[PROMPT_TOKENS] = row.isNullAt(2) ? 0 : row.getLong(2);
    counts[RESPONSE_TOKENS] = row.isNullAt(3) ? 0 : row.getLong(3);
    return counts;
  }

  /** One id's counts with the rows that repeat it: all but its first; a null id is no id and repeats nothing. */
  private static long[] withRepeats(Tuple2<String, long[]> id) {
    long[] counts = id._2().clone();
    counts[REPEATS] = id._1() == null ? 0 : counts[ROWS] - 1;
    return counts;
  }

  private static long[] add(long[] a, long[] b) {
    long[] sum = new long[a.length];
    for (int i = 0; i < sum.length; i++) {
      sum[i] = a[i] + b[i];
    }
    return sum;
  }

  private static Column idText(String id) {
    return functions.col("`" + id.replace("`", "``") + "`").cast(DataTypes.StringType).as(ID);
  }
}

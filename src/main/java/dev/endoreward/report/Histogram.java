package dev.endoreward.report;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Counts of a column's values in equal-width bins from its smallest to its largest value, the last bin closed;
 * computed by Spark, so only the counts reach the driver.
 *
 * @param low the smallest value
 * @param high the largest value; equal to {@code low} when every value is (one bin then holds them all)
 * @param counts rows per bin
 */
record Histogram(double low, double high, long[] counts) {
  /** The histogram of {@code column}'s non-null values, or one of no rows and bins empty when there are none. */
  static Histogram of(Dataset<Row> rows, String column, int bins) {
    Row range = rows.agg(min(col(column)).cast("double"), max(col(column)).cast("double")).first();
    long[] counts = new long[bins];
    if (range.isNullAt(0)) {
      return new Histogram(0, 0, counts);
    }
    double low = range.getDouble(0);
    double high = range.getDouble(1);
    double width = high > low ? (high - low) / bins : 1;
    Dataset<Row> binned = rows.where(col(column).isNotNull())
        .select(least(floor(col(column).cast("double").minus(lit(low)).divide(lit(width))), lit(bins - 1))
            .cast("int").as("bin"))
        .groupBy("bin").count();
    for (Row row : binned.collectAsList()) {
      counts[row.getInt(0)] = row.getLong(1);
    }
    return new Histogram(low, high, counts);
  }

  long total() {
    long total = 0;
    for (long count : counts) {
      total += count;
    }
    return total;
  }

  /** The lower edge of bin {@code i}; {@code edge(counts.length)} is {@link #high()}. */
  double edge(int i) {
    return i == counts.length ? high : low + (high - low) * i / counts.length;
  }
}

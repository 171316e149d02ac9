package dev.endoreward.spark;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;

/**
 * Writes one unit's scored or rejected rows as zstd Parquet, on any Hadoop file system (local,
 * {@code hdfs://}, {@code s3a://}), through the commit protocol the Spark session is configured with:
 * Hadoop's file output committer by default, the S3A committers when {@code spark-hadoop-cloud}'s
 * {@code PathOutputCommitProtocol} is set (see README, "Operations"). Either publishes the files of a write
 * only when the write commits.
 *
 * <p>Provenance (model, tokenizer and template sha256, reward options, project version) travels as
 * column metadata of {@code reward} (see {@link EndogenousRewardScorer#scoredRows}); Spark stores the
 * schema with that metadata in every Parquet file's key/value footer under
 * {@code org.apache.spark.sql.parquet.row.metadata}, where any Parquet reader finds it.
 */
final class OutputWriter {
  private OutputWriter() {}

  /** Writes {@code rows} to the folder {@code path}, which must not exist: a unit is written once per attempt. */
  static void write(Dataset<Row> rows, String path) {
    rows.write()
        .mode(SaveMode.ErrorIfExists)
        .option("compression", "zstd")
        .parquet(path);
  }
}

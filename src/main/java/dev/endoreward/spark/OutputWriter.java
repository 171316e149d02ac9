package dev.endoreward.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import dev.endoreward.spark.config.OutputMode;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Writes a run's outputs under one folder: {@code scored/} and {@code rejected/} as zstd Parquet, and
 * {@code _summary.json}. Works on any Hadoop file system (local, {@code hdfs://}, {@code s3a://}).
 *
 * <p>Provenance (model, tokenizer and template sha256, reward options, project version) is attached as
 * column metadata of {@code reward}; Spark stores the schema with that metadata in every Parquet file's
 * key/value footer under {@code org.apache.spark.sql.parquet.row.metadata}, where any Parquet reader
 * finds it.
 */
final class OutputWriter {
  static final String SCORED = "scored";
  static final String REJECTED = "rejected";
  static final String SUMMARY = "_summary.json";

  private final SparkSession spark;
  private final String outputDir;
  private final OutputMode mode;

  OutputWriter(SparkSession spark, String outputDir, OutputMode mode) {
    this.spark = spark;
    this.outputDir = outputDir;
    this.mode = mode;
  }

  /** Fails, on the driver, if the output folder exists and the mode forbids that. */
  void checkPolicy() {
    Path dir = new Path(outputDir);
    try {
      FileSystem fs = fileSystem(dir);
      if (mode == OutputMode.ERROR_IF_EXISTS && fs.exists(dir)) {
        throw new IllegalArgumentException("Cannot write to " + outputDir
            + ": it already exists; set output.mode=overwrite or output.mode=append, or choose another folder");
      }
      if (fs.exists(dir) && !fs.getFileStatus(dir).isDirectory()) {
        throw new IllegalArgumentException("Cannot write to " + outputDir + ": it is a file, not a folder");
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("Cannot check the output folder " + outputDir + ": " + e.getMessage(), e);
    }
  }

  /** Writes the scored rows: input columns and score columns, provenance on {@code reward}. */
  void writeScored(Dataset<Row> combined, StructType input, OutputColumns output, Map<String, String> provenance) {
    List<Column> columns = new ArrayList<>();
    for (String name : input.fieldNames()) {
      columns.add(functions.col(name));
    }
    for (StructField field : output.scoreFields()) {
      Column column = functions.col(field.name());
      columns.add(field.name().equals(OutputColumns.REWARD) ? column.as(field.name(), provenanceMetadata(provenance)) : column);
    }
    write(combined.filter(functions.col(OutputColumns.REJECT_REASON).isNull()).select(columns.toArray(Column[]::new)),
        SCORED);
  }

  /** Writes the rejected rows: input columns, {@code reject_reason} and {@code reject_detail}. */
  void writeRejected(Dataset<Row> combined, StructType input) {
    List<Column> columns = new ArrayList<>();
    for (String name : input.fieldNames()) {
      columns.add(functions.col(name));
    }
    columns.add(functions.col(OutputColumns.REJECT_REASON));
    columns.add(functions.col(OutputColumns.REJECT_DETAIL));
    write(combined.filter(functions.col(OutputColumns.REJECT_REASON).isNotNull()).select(columns.toArray(Column[]::new)),
        REJECTED);
  }

  /** Writes {@code _summary.json}, replacing any earlier one. */
  void writeSummary(String json) {
    Path file = new Path(outputDir, SUMMARY);
    try (FSDataOutputStream out = fileSystem(file).create(file, true)) {
      out.write(json.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the run summary " + file + ": " + e.getMessage(), e);
    }
  }

  String path(String child) {
    return new Path(outputDir, child).toString();
  }

  private void write(Dataset<Row> rows, String child) {
    rows.write()
        .mode(mode == OutputMode.APPEND ? SaveMode.Append : SaveMode.Overwrite)
        .option("compression", "zstd")
        .parquet(path(child));
  }

  private FileSystem fileSystem(Path path) throws IOException {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    URI uri = path.toUri();
    return FileSystem.get(uri, conf);
  }

  private static Metadata provenanceMetadata(Map<String, String> provenance) {
    MetadataBuilder builder = new MetadataBuilder();
    provenance.forEach((key, value) -> builder.putString("endoreward." + key, value));
    return builder.build();
  }
}

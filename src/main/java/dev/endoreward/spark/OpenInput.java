package dev.endoreward.spark;

import dev.endoreward.spark.config.InputFormat;
import java.util.List;
import java.util.function.LongSupplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The input as the job reads it.
 *
 * @param rows the input columns, then the hidden {@link SourceColumns}
 * @param format how the files are read
 * @param files the files read, sorted by path, as the run records them
 * @param rowCount counts {@code rows} without reading them as rows: from the Parquet footers, with no Spark job,
 *     or in one Spark job over the JSON Lines' lines, which parses none of them
 */
record OpenInput(Dataset<Row> rows, InputFormat format, List<InputFile> files, LongSupplier rowCount) {}

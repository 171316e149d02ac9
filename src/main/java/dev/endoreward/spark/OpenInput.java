package dev.endoreward.spark;

import dev.endoreward.spark.config.InputFormat;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The input as the job reads it.
 *
 * @param rows the input columns, then the hidden {@link SourceColumns}
 * @param format how the files are read
 * @param files the files read, sorted by path, as the run records them
 */
record OpenInput(Dataset<Row> rows, InputFormat format, List<InputFile> files) {}

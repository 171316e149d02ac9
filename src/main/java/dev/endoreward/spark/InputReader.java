package dev.endoreward.spark;

import dev.endoreward.spark.config.InputColumns;
import dev.endoreward.spark.config.InputConfig;
import dev.endoreward.spark.config.InputFormat;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Opens the input (Parquet or JSON Lines, on any Hadoop file system) and checks, on the driver, that
 * the configured columns exist with usable types and do not clash with the columns the job adds.
 */
final class InputReader {
  private InputReader() {}

  /** The input as a Dataset; nothing is scanned beyond schema inference. */
  static Dataset<Row> open(SparkSession spark, InputConfig input) {
    InputFormat format = input.format() == InputFormat.AUTO ? detectFormat(spark, input.path()) : input.format();
    Dataset<Row> rows;
    try {
      rows = format == InputFormat.PARQUET
          ? spark.read().parquet(input.path())
          : spark.read().option("mode", "FAILFAST").json(input.path());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("Cannot read input " + input.path() + ": " + e.getMessage(), e);
    }
    return rows;
  }

  /**
   * Checks the configured columns against {@code schema}.
   *
   * @param source how messages name the input (its path)
   */
  static void checkSchema(String source, InputColumns columns, StructType schema) {
    if (schema.getFieldIndex("_corrupt_record").isDefined()) {
      throw new IllegalArgumentException("Cannot read input " + source
          + ": some lines are not JSON objects (Spark found a _corrupt_record column)");
    }
    requireColumn(source, schema, columns.id(), "a string or integer", InputReader::isIdType);
    if (columns.messagesForm()) {
      requireColumn(source, schema, columns.messages(), "array<struct<role: string, content: string>>",
          InputReader::isMessagesType);
    } else {
      requireColumn(source, schema, columns.prompt(), "string", DataTypes.StringType::equals);
      requireColumn(source, schema, columns.response(), "string", DataTypes.StringType::equals);
    }
    if (columns.system() != null) {
      requireColumn(source, schema, columns.system(), "string", DataTypes.StringType::equals);
    }
    if (columns.promptId() != null) {
      requireColumn(source, schema, columns.promptId(), "a string or integer", InputReader::isIdType);
    }
    for (String added : OutputColumns.addedColumnNames()) {
      if (schema.getFieldIndex(added).isDefined()) {
        throw new IllegalArgumentException("Cannot score input " + source + ": it already has a column named '"
            + added + "', which the output adds; rename or drop it first");
      }
    }
  }

  private interface TypeCheck {
    boolean accepts(DataType type);
  }

  private static void requireColumn(String source, StructType schema, String name, String expected,
      TypeCheck check) {
    if (schema.getFieldIndex(name).isEmpty()) {
      throw new IllegalArgumentException("Cannot read input " + source + ": column '" + name
          + "' is missing; it has " + String.join(", ", schema.fieldNames()));
    }
    DataType type = schema.apply(name).dataType();
    if (!check.accepts(type)) {
      throw new IllegalArgumentException("Cannot read input " + source + ": column '" + name + "' is "
          + type.simpleString() + ", expected " + expected);
    }
  }

  private static boolean isIdType(DataType type) {
    return type.equals(DataTypes.StringType) || type.equals(DataTypes.LongType) || type.equals(DataTypes.IntegerType);
  }

  private static boolean isMessagesType(DataType type) {
    if (!(type instanceof ArrayType array) || !(array.elementType() instanceof StructType message)) {
      return false;
    }
    for (String field : List.of("role", "content")) {
      if (message.getFieldIndex(field).isEmpty() || !message.apply(field).dataType().equals(DataTypes.StringType)) {
        return false;
      }
    }
    return true;
  }

  /** Parquet or JSON Lines from the path's extension or, for a folder, from the data files inside. */
  static InputFormat detectFormat(SparkSession spark, String path) {
    InputFormat byName = formatOfName(path);
    if (byName != null) {
      return byName;
    }
    Path dir = new Path(path);
    try {
      FileSystem fs = dir.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(dir)) {
        throw new IllegalArgumentException("Cannot read input " + path + ": it does not exist");
      }
      List<String> names = new ArrayList<>();
      if (fs.getFileStatus(dir).isDirectory()) {
        for (FileStatus status : fs.listStatus(dir)) {
          String name = status.getPath().getName();
          if (!name.startsWith("_") && !name.startsWith(".")) {
            names.add(name);
            InputFormat inside = formatOfName(name);
            if (inside != null) {
              return inside;
            }
          }
        }
      }
      throw new IllegalArgumentException("Cannot tell the format of input " + path + " (files: " + names
          + "): name files *.parquet, *.jsonl or *.json, or set input.format");
    } catch (IOException e) {
      throw new IllegalArgumentException("Cannot read input " + path + ": " + e.getMessage(), e);
    }
  }

  private static InputFormat formatOfName(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".parquet")) {
      return InputFormat.PARQUET;
    }
    if (lower.endsWith(".jsonl") || lower.endsWith(".json") || lower.endsWith(".jsonl.gz") || lower.endsWith(".json.gz")) {
      return InputFormat.JSONL;
    }
    return null;
  }
}

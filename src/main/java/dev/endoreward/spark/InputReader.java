package dev.endoreward.spark;

import dev.endoreward.spark.config.InputColumns;
import dev.endoreward.spark.config.InputConfig;
import dev.endoreward.spark.config.InputFormat;
import java.util.List;
import java.util.function.LongSupplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Opens the input (Parquet or JSON Lines, on any Hadoop file system) and checks, on the driver, that
 * the configured columns exist with usable types and do not clash with the columns the job adds. Each row
 * carries hidden {@link SourceColumns}: where it comes from, and why it cannot be scored when reading it
 * found out.
 */
final class InputReader {
  private InputReader() {}

  /**
   * The input's rows, with the hidden {@link SourceColumns}, and the files they come from. Lists the files
   * and reads Parquet footers on the driver; JSON Lines are read once to infer their schema.
   *
   * @throws InputException "Cannot read input ..." when the input cannot be read as configured
   */
  static OpenInput open(SparkSession spark, InputConfig input) {
    InputListing listing = InputListing.of(input.path(), input.format(), spark.sparkContext().hadoopConfiguration());
    try {
      Dataset<Row> rows = listing.format() == InputFormat.PARQUET
          ? ParquetInput.open(spark, listing, input)
          : JsonLinesInput.open(spark, listing, input);
      LongSupplier rowCount = listing.footerRows().isPresent()
          ? listing.footerRows()::getAsLong
          : () -> JsonLinesInput.countRows(spark, listing);
      return new OpenInput(rows, listing.format(), listing.inputFiles(), rowCount);
    } catch (InputException e) {
      throw e;
    } catch (Exception e) { // Spark's own exceptions are checked ones that Scala throws unchecked
      InputException cause = inputCause(e);
      if (cause != null) { // a line that input.on-malformed=fail refuses, met while inferring the schema
        throw new InputException(cause.getMessage(), e);
      }
      throw new InputException("Cannot read input " + input.path() + ": " + e.getMessage(), e);
    }
  }

  private static InputException inputCause(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
      if (cause instanceof InputException input) {
        return input;
      }
    }
    return null;
  }

  /**
   * Checks the configured columns against {@code schema}.
   *
   * @param source how messages name the input (its path)
   * @param promptIdColumn the column that gives each row's prompt id ({@link PromptIds#column()}), or null
   */
  static void checkSchema(String source, InputColumns columns, String promptIdColumn, StructType schema) {
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
    if (promptIdColumn != null) {
      requireColumn(source, schema, promptIdColumn, "a string or integer", InputReader::isIdType);
    }
    for (String added : OutputColumns.addedColumnNames()) {
      // An input prompt_id that gives the prompt ids is the output's prompt_id.
      if (schema.getFieldIndex(added).isDefined() && !added.equals(promptIdColumn)) {
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
          + "' is missing; it has " + String.join(", ", SourceColumns.visible(schema).fieldNames()));
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
}

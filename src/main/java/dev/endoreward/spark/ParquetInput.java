package dev.endoreward.spark;

import dev.endoreward.reward.RejectReason;
import dev.endoreward.spark.config.InputColumns;
import dev.endoreward.spark.config.InputConfig;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Parquet input, with each row's file and row index from Spark's {@code _metadata} column. Parquet strings
 * are bytes that need not be UTF-8: a row whose configured text columns are not valid UTF-8 is rejected as
 * {@code INVALID_TEXT} (Spark would read U+FFFD in their place, and the row would be scored on text that is
 * not the input's), and those columns are left null in it, so that nothing altered is carried through.
 */
final class ParquetInput {
  private ParquetInput() {}

  /** The rows of {@code listing}'s files: the input columns, then the hidden source columns. */
  static Dataset<Row> open(SparkSession spark, InputListing listing, InputConfig input) {
    DataFrameReader reader = spark.read();
    if (listing.baseFolder() != null) {
      reader = reader.option("basePath", listing.baseFolder()); // keeps Hive-style partition columns
    }
    Dataset<Row> rows = reader.parquet(listing.nonEmptyPaths().toArray(String[]::new));
    List<String> invalid = new ArrayList<>();
    List<Column> validity = new ArrayList<>();
    for (String column : textColumns(input.columns(), rows.schema())) {
      invalid.add(column);
      validity.add(isValid(column, rows.schema().apply(column)));
    }
    Column reason = functions.lit(null).cast(DataTypes.StringType);
    Column detail = functions.lit(null).cast(DataTypes.StringType);
    Column where = functions.concat(functions.col("_metadata.file_path"), functions.lit(", row "),
        functions.col("_metadata.row_index").cast(DataTypes.StringType), functions.lit(": "));
    for (int i = invalid.size() - 1; i >= 0; i--) { // the detail names the first invalid column
      reason = functions.when(functions.not(validity.get(i)), RejectReason.INVALID_TEXT.name()).otherwise(reason);
      detail = functions.when(functions.not(validity.get(i)), functions.concat(where, functions.lit("column '"
          + invalid.get(i) + "' is not valid UTF-8; the row's columns that are not are left null here"))).otherwise(detail);
    }
    List<Column> columns = new ArrayList<>();
    for (StructField field : rows.schema().fields()) {
      int checked = invalid.indexOf(field.name());
      Column column = functions.col(quoted(field.name()));
      columns.add(checked < 0 ? column : functions.when(validity.get(checked), column).as(field.name()));
    }
    columns.add(functions.col("_metadata.file_path").as(SourceColumns.FILE));
    columns.add(functions.col("_metadata.row_index").as(SourceColumns.POSITION));
    columns.add(reason.as(SourceColumns.REJECT_REASON));
    columns.add(detail.as(SourceColumns.REJECT_DETAIL));
    return rows.select(columns.toArray(Column[]::new));
  }

  /** The configured columns that hold text, as far as the schema has them with the documented types. */
  private static List<String> textColumns(InputColumns columns, StructType schema) {
    List<String> text = new ArrayList<>();
    for (String column : new String[] {columns.id(), columns.prompt(), columns.response(), columns.messages(),
        columns.system(), columns.promptId()}) {
      if (column != null && schema.getFieldIndex(column).isDefined()
          && (schema.apply(column).dataType().equals(DataTypes.StringType) || isMessages(schema.apply(column)))) {
        text.add(column);
      }
    }
    return text;
  }

  private static boolean isMessages(StructField field) {
    return field.dataType() instanceof ArrayType array && array.elementType() instanceof StructType message
        && message.getFieldIndex("role").isDefined() && message.getFieldIndex("content").isDefined()
        && message.apply("role").dataType().equals(DataTypes.StringType)
        && message.apply("content").dataType().equals(DataTypes.StringType);
  }

  /** True when the column's text is valid UTF-8 or null. */
  private static Column isValid(String column, StructField field) {
    String name = quoted(column);
    String test = field.dataType().equals(DataTypes.StringType)
        ? "is_valid_utf8(" + name + ")"
        : "NOT exists(" + name + ", m -> NOT coalesce(is_valid_utf8(m.role), true)"
            + " OR NOT coalesce(is_valid_utf8(m.content), true))";
    return functions.coalesce(functions.expr(test), functions.lit(true));
  }

  private static String quoted(String column) {
    return "`" + column.replace("`", "``") + "`";
  }
}

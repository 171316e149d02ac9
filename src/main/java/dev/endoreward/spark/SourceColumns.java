package dev.endoreward.spark;

import dev.endoreward.spark.config.InputFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Columns the reader adds to each input row and the output never shows: where the row comes from (for
 * ordering duplicates and naming rows in messages), and a rejection found while reading it (a malformed
 * line, text that is not valid UTF-8, a repeated id). Their names cannot clash with real input columns in
 * practice, and {@link #visible} drops them wherever input columns are carried into the output.
 */
final class SourceColumns {
  /** The file a row was read from, as Hadoop names it. */
  static final String FILE = "__endoreward_source_file";
  /** The row's position in its file: the byte offset of its line (JSON Lines) or its row index (Parquet). */
  static final String POSITION = "__endoreward_source_position";
  /** The rejection reason found while reading, or null. */
  static final String REJECT_REASON = "__endoreward_read_reject_reason";
  /** The rejection's detail, or null. */
  static final String REJECT_DETAIL = "__endoreward_read_reject_detail";

  private static final Set<String> NAMES = Set.of(FILE, POSITION, REJECT_REASON, REJECT_DETAIL);

  private SourceColumns() {}

  static boolean isHidden(String column) {
    return NAMES.contains(column);
  }

  /** {@code schema} without the hidden columns. */
  static StructType visible(StructType schema) {
    List<StructField> fields = new ArrayList<>();
    for (StructField field : schema.fields()) {
      if (!isHidden(field.name())) {
        fields.add(field);
      }
    }
    return new StructType(fields.toArray(StructField[]::new));
  }

  /** The indices of {@code schema}'s visible columns, in order. */
  static int[] visibleIndices(StructType schema) {
    return java.util.stream.IntStream.range(0, schema.size())
        .filter(i -> !isHidden(schema.fields()[i].name())).toArray();
  }

  /** Where a row is, for a message: a Parquet row by its index, a JSON Lines line by its byte offset. */
  static String describe(InputFormat format, String file, long position) {
    return format == InputFormat.PARQUET
        ? file + ", row " + position
        : file + ", the line at byte " + position;
  }
}

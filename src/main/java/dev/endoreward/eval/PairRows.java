package dev.endoreward.eval;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The rows {@code eval} gives {@code score}: one per response, in {@code score}'s messages form, carrying
 * where the response came from. A response's id is {@code <record id>/chosen/<i>} or
 * {@code <record id>/rejected/<j>}, {@code i} and {@code j} counting from 0.
 */
final class PairRows {
  static final String ID = "id";
  static final String MESSAGES = "messages";
  static final String RECORD_ID = "record_id";
  static final String FILE = "source_file";
  static final String SUBSET = "subset";
  static final String SIDE = "side";
  static final String INDEX = "response_index";
  static final String CHOSEN = "chosen";
  static final String REJECTED = "rejected";

  static final StructType SCHEMA = new StructType()
      .add(ID, DataTypes.StringType, false)
      .add(MESSAGES, DataTypes.createArrayType(new StructType()
          .add("role", DataTypes.StringType, false)
          .add("content", DataTypes.StringType, false), false), false)
      .add(RECORD_ID, DataTypes.StringType, false)
      .add(FILE, DataTypes.StringType, false)
      .add(SUBSET, DataTypes.StringType, false)
      .add(SIDE, DataTypes.StringType, false)
      .add(INDEX, DataTypes.IntegerType, false);

  /** Responses per partition of the rows: each task then carries a few MB of text at most. */
  private static final int ROWS_PER_SLICE = 1000;

  private PairRows() {}

  /** The id of a record's {@code index}-th response on {@code side} ({@link #CHOSEN} or {@link #REJECTED}). */
  static String responseId(String recordId, String side, int index) {
    return recordId + "/" + side + "/" + index;
  }

  static Dataset<Row> of(SparkSession spark, List<PreferenceRecord> records) {
    List<Row> rows = new ArrayList<>();
    for (PreferenceRecord record : records) {
      add(rows, record, CHOSEN, record.chosen());
      add(rows, record, REJECTED, record.rejected());
    }
    int slices = Math.max(1, (rows.size() + ROWS_PER_SLICE - 1) / ROWS_PER_SLICE);
    return spark.createDataFrame(JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows, slices),
        SCHEMA);
  }

  private static void add(List<Row> rows, PreferenceRecord record, String side, List<List<Turn>> responses) {
    for (int i = 0; i < responses.size(); i++) {
      List<Row> messages = responses.get(i).stream().map(t -> RowFactory.create(t.role(), t.content())).toList();
      rows.add(RowFactory.create(responseId(record.id(), side, i), messages.toArray(), record.id(), record.file(),
          record.subset(), side, i));
    }
  }
}

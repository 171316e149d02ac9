package dev.endoreward.spark;

import dev.endoreward.reward.RejectReason;
import dev.endoreward.spark.config.DuplicateIdPolicy;
import dev.endoreward.spark.config.InputFormat;
import java.io.Serializable;
import java.util.Comparator;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.rdd.PartitionPruningRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;
import scala.runtime.AbstractFunction1;

/**
 * The input regrouped by unit: one shuffle puts unit {@code u}'s rows, and only them, in partition
 * {@code u}, sorted by id text and then by source (file path, position in the file), so that a unit's
 * chunks and batches are the same in every run, and the first row of each id is the same in every
 * attempt. Each unit is then read on its own ({@link #rowsOf}); every such read shares the one shuffle,
 * so the input is read once per attempt, not once per unit. Rows of units outside {@code pending} are
 * dropped before the shuffle. With {@code input.duplicate-ids=reject}, every row after the first of its
 * id is marked {@code DUPLICATE_ID}; a null id is no id, and repeats nothing.
 */
final class UnitSplit {
  private final SparkSession spark;
  private final StructType schema;
  private final JavaRDD<Row> byUnit;

  /**
   * @param input the input with its hidden {@link SourceColumns}
   * @param idColumn the input's id column
   * @param pending the units to read; the others are done
   */
  UnitSplit(OpenInput input, String idColumn, DuplicateIdPolicy duplicates, UnitPlan plan, Set<Integer> pending) {
    Dataset<Row> rows = input.rows();
    this.spark = rows.sparkSession();
    this.schema = rows.schema();
    int id = schema.fieldIndex(idColumn);
    int file = schema.fieldIndex(SourceColumns.FILE);
    int position = schema.fieldIndex(SourceColumns.POSITION);
    JavaRDD<Row> sorted = rows.toJavaRDD()
        .mapToPair(row -> new Tuple2<>(new UnitKey(plan.unitOf(row.get(id)), UnitPlan.idText(row.get(id)),
            row.getString(file), row.getLong(position)), row))
        .filter(keyed -> pending.contains(keyed._1().unit()))
        .repartitionAndSortWithinPartitions(new ByUnit(plan.unitCount()), new BySource())
        .values();
    this.byUnit = duplicates == DuplicateIdPolicy.REJECT
        ? sorted.mapPartitions(new RejectRepeats(id, file, position, schema.fieldIndex(SourceColumns.REJECT_REASON),
            schema.fieldIndex(SourceColumns.REJECT_DETAIL), input.format())::apply, true)
        : sorted;
  }

  /** One unit's rows, in one partition; computing it runs the shuffle if no read did before. */
  Dataset<Row> rowsOf(int unit) {
    JavaRDD<Row> rows = PartitionPruningRDD.create(byUnit.rdd(), new IsPartition(unit)).toJavaRDD();
    return spark.createDataFrame(rows, schema);
  }

  /** A row's shuffle key: its unit, which is its partition, then what orders the unit. */
  record UnitKey(int unit, String id, String file, long position) implements Serializable {}

  private static final class ByUnit extends Partitioner {
    private final int units;

    ByUnit(int units) {
      this.units = units;
    }

    @Override
    public int numPartitions() {
      return units;
    }

    @Override
    public int getPartition(Object key) {
      return ((UnitKey) key).unit();
    }
  }

  /** Orders a unit's rows by id text (null first), then file path, then position in the file. */
  private static final class BySource implements Comparator<UnitKey>, Serializable {
    private static final Comparator<UnitKey> ORDER = Comparator
        .comparing(UnitKey::id, Comparator.nullsFirst(Comparator.<String>naturalOrder()))
        .thenComparing(UnitKey::file, Comparator.nullsFirst(Comparator.<String>naturalOrder()))
        .thenComparingLong(UnitKey::position);

    @Override
    public int compare(UnitKey a, UnitKey b) {
      return ORDER.compare(a, b);
    }
  }

  /** Marks each row that repeats the id of the row before it (the unit is sorted, so that row came first). */
  private record RejectRepeats(int id, int file, int position, int reason, int detail, InputFormat format)
      implements Serializable {

    Iterator<Row> apply(Iterator<Row> rows) {
      return new Iterator<>() {
        private Row first;

        @Override
        public boolean hasNext() {
          return rows.hasNext();
        }

        @Override
        public Row next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          Row row = rows.next();
          Object rowId = row.get(id);
          if (rowId == null) {
            return row;
          }
          if (first == null || !rowId.equals(first.get(id))) {
            first = row;
            return row;
          }
          if (!row.isNullAt(reason)) {
            return row; // already rejected while reading, for a reason of its own
          }
          Object[] values = new Object[row.length()];
          for (int i = 0; i < values.length; i++) {
            values[i] = row.get(i);
          }
          values[reason] = RejectReason.DUPLICATE_ID.name();
          values[detail] = "id " + rowId + " repeats the row kept at "
              + SourceColumns.describe(format, first.getString(file), first.getLong(position));
          return RowFactory.create(values);
        }
      };
    }
  }

  /** Spark's partition filter, a Scala function of the partition index. */
  private static final class IsPartition extends AbstractFunction1<Object, Object> implements Serializable {
    private final int partition;

    IsPartition(int partition) {
      this.partition = partition;
    }

    @Override
    public Object apply(Object index) {
      return (Integer) index == partition;
    }
  }
}

package dev.endoreward.spark;

import java.io.Serializable;
import java.util.Comparator;
import java.util.Set;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.rdd.PartitionPruningRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;
import scala.runtime.AbstractFunction1;

/**
 * The input regrouped by unit: one shuffle puts unit {@code u}'s rows, and only them, in partition
 * {@code u}, sorted by id text, so that a unit's chunks and batches are the same in every run. Each unit
 * is then read on its own ({@link #rowsOf}); every such read shares the one shuffle, so the input is read
 * once per attempt, not once per unit. Rows of units outside {@code pending} are dropped before the
 * shuffle.
 */
final class UnitSplit {
  private final SparkSession spark;
  private final StructType schema;
  private final JavaRDD<Row> byUnit;

  /**
   * @param idColumn the input's id column
   * @param pending the units to read; the others are done
   */
  UnitSplit(Dataset<Row> input, String idColumn, UnitPlan plan, Set<Integer> pending) {
    this.spark = input.sparkSession();
    this.schema = input.schema();
    int id = schema.fieldIndex(idColumn);
    this.byUnit = input.toJavaRDD()
        .mapToPair(row -> new Tuple2<>(new Tuple2<>(plan.unitOf(row.get(id)), UnitPlan.idText(row.get(id))), row))
        .filter(keyed -> pending.contains(keyed._1()._1()))
        .repartitionAndSortWithinPartitions(new ByUnit(plan.unitCount()), new ByIdText())
        .values();
  }

  /** One unit's rows, in one partition; computing it runs the shuffle if no read did before. */
  Dataset<Row> rowsOf(int unit) {
    JavaRDD<Row> rows = PartitionPruningRDD.create(byUnit.rdd(), new IsPartition(unit)).toJavaRDD();
    return spark.createDataFrame(rows, schema);
  }

  /** Keys are (unit, id text); the unit is the partition. */
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
      @SuppressWarnings("unchecked")
      Tuple2<Integer, String> unitAndId = (Tuple2<Integer, String>) key;
      return unitAndId._1();
    }
  }

  /** Orders a unit's rows by id text, null first. Rows that share an id keep no particular order. */
  private static final class ByIdText implements Comparator<Tuple2<Integer, String>>, Serializable {
    private static final Comparator<String> ORDER = Comparator.nullsFirst(Comparator.naturalOrder());

    @Override
    public int compare(Tuple2<Integer, String> a, Tuple2<Integer, String> b) {
      return ORDER.compare(a._2(), b._2());
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

package dev.endoreward.spark;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;

/**
 * How a run's input is split into units, the pieces of work that are committed, recorded and resumed
 * one by one. A row's unit depends on its id alone, through {@link #RULE}, so the split does not change
 * with the number of executors, the input's file layout or order, or retries; the run records
 * {@code unitCount} and the rule, and a resumed run reuses them.
 *
 * @param unitCount units of the run, at least 1
 */
record UnitPlan(int unitCount) implements Serializable {
  /** The assignment, as the run record states it. */
  static final String RULE = "fnv1a64(utf8(id as text)) mod unit_count; a null id is in unit 0";

  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  UnitPlan {
    if (unitCount < 1) {
      throw new IllegalArgumentException("Cannot plan " + unitCount + " units: a run has at least one");
    }
  }

  /**
   * The plan of a new run: {@code partitions} units when it is positive ({@code job.partitions}), else
   * one unit per {@code unitRows} input rows, rounded up ({@code job.unit-rows}), and at least one per task
   * slot while there are rows for them: a unit is one task, so a run of fewer units than slots would leave
   * the other slots, and the cores they were given, idle.
   *
   * @param taskSlots the tasks the job runs at once (Spark's default parallelism)
   */
  static UnitPlan of(long inputRows, int partitions, int unitRows, int taskSlots) {
    if (partitions > 0) {
      return new UnitPlan(partitions);
    }
    long units = Math.max(1, Math.max((inputRows + unitRows - 1) / unitRows, Math.min(taskSlots, inputRows)));
    if (units > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("Cannot split " + inputRows + " rows into units of " + unitRows
          + ": that makes more than " + Integer.MAX_VALUE + " units; raise job.unit-rows");
    }
    return new UnitPlan((int) units);
  }

  /** The unit of a row with this id (a string or an integer, as the input schema allows), or of a null id. */
  int unitOf(Object id) {
    if (id == null) {
      return 0;
    }
    long hash = FNV_OFFSET;
    for (byte b : idText(id).getBytes(StandardCharsets.UTF_8)) {
      hash ^= b & 0xff;
      hash *= FNV_PRIME;
    }
    return (int) Long.remainderUnsigned(hash, unitCount);
  }

  /** The id as the rule reads it: a string as is, an integer in decimal; null stays null. */
  static String idText(Object id) {
    return id == null ? null : id.toString();
  }
}

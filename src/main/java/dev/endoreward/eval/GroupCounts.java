package dev.endoreward.eval;

import java.util.Map;
import java.util.TreeMap;

/**
 * What one group of records (a file, a subset, or all) gave: its records, their comparisons (all of
 * them, and by RM-Bench's triangles), and its responses that {@code score} rejected, by reason.
 */
final class GroupCounts {
  private long records;
  private Tally tally = Tally.EMPTY;
  private Triangles triangles = Triangles.EMPTY;
  private final Map<String, Long> rejectedResponses = new TreeMap<>();

  void addRecord(Tally recordTally, Triangles recordTriangles) {
    records++;
    tally = tally.plus(recordTally);
    triangles = triangles.plus(recordTriangles);
  }

  void addRejected(String reason) {
    rejectedResponses.merge(reason, 1L, Long::sum);
  }

  long records() {
    return records;
  }

  Tally tally() {
    return tally;
  }

  Triangles triangles() {
    return triangles;
  }

  Map<String, Long> rejectedResponses() {
    return rejectedResponses;
  }
}

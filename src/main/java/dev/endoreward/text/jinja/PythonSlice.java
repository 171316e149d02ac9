package dev.endoreward.text.jinja;

import java.util.ArrayList;
import java.util.List;

/** Python's {@code sequence[start:stop:step]}, for lists and strings. */
final class PythonSlice {
  private PythonSlice() {}

  /**
   * The positions {@code range(len)[start:stop:step]} selects, as {@code slice.indices} computes
   * them; null bounds are omitted ones.
   *
   * @throws IllegalArgumentException for a zero step
   */
  static int[] positions(int length, Integer start, Integer stop, Integer step) {
    int by = step == null ? 1 : step;
    if (by == 0) {
      throw new IllegalArgumentException("slice step cannot be zero");
    }
    int lower = by > 0 ? 0 : -1;
    int upper = by > 0 ? length : length - 1;
    int from = bound(start, by > 0 ? lower : upper, length, lower, upper);
    int to = bound(stop, by > 0 ? upper : lower, length, lower, upper);
    int count = by > 0 ? Math.max(0, (to - from + by - 1) / by) : Math.max(0, (from - to - by - 1) / -by);
    int[] positions = new int[count];
    for (int k = 0; k < count; k++) {
      positions[k] = from + k * by;
    }
    return positions;
  }

  private static int bound(Integer value, int omitted, int length, int lower, int upper) {
    if (value == null) {
      return omitted;
    }
    int position = value < 0 ? value + length : value;
    return Math.max(lower, Math.min(position, upper));
  }

  /** {@code base[start:stop:step]} for a string or any list-like value. */
  static Object apply(Object base, Object start, Object stop, Object step) {
    Integer from = PythonValues.index(start, "slice indices");
    Integer to = PythonValues.index(stop, "slice indices");
    Integer by = PythonValues.index(step, "slice indices");
    if (base instanceof String text) {
      return PythonStrings.slice(text, from, to, by);
    }
    if (base == null || base instanceof java.util.Map || base instanceof Number
        || base instanceof Boolean) {
      throw new IllegalArgumentException("'" + PythonValues.typeName(base) + "' object is not subscriptable");
    }
    List<Object> items = PythonValues.iterate(base);
    List<Object> sliced = new ArrayList<>();
    for (int position : positions(items.size(), from, to, by)) {
      sliced.add(items.get(position));
    }
    return base instanceof PyTuple ? new PyTuple(sliced.toArray()) : sliced;
  }
}

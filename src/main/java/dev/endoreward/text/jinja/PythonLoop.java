package dev.endoreward.text.jinja;

import com.hubspot.jinjava.util.ForLoop;
import java.util.List;

/**
 * jinja2's {@code loop} variable: Jinjava's {@link ForLoop} (index, first, last, length, cycle,
 * and what {@code break}/{@code continue} act on) plus {@code previtem}, {@code nextitem} and
 * {@code changed()}.
 */
public final class PythonLoop extends ForLoop {
  private final List<Object> items;
  private boolean changedBefore;
  private Object[] lastChanged;

  PythonLoop(List<Object> items) {
    super(items.iterator(), items.size());
    this.items = items;
  }

  /** The previous item, or undefined on the first iteration. */
  public Object getPrevitem() {
    int index = getIndex0();
    return index > 0 ? items.get(index - 1) : null;
  }

  /** The next item, or undefined on the last iteration. */
  public Object getNextitem() {
    int index = getIndex0();
    return index + 1 < items.size() ? items.get(index + 1) : null;
  }

  /** True on the first call and whenever the values differ from the previous call's. */
  public boolean changed(Object... values) {
    boolean changed = !changedBefore || !java.util.Arrays.equals(values, lastChanged);
    changedBefore = true;
    lastChanged = values.clone();
    return changed;
  }
}

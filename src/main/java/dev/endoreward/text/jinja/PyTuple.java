package dev.endoreward.text.jinja;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.RandomAccess;

/** A Python tuple: an unmodifiable list that prints as {@code (a, b)}; what {@code items()} yields. */
final class PyTuple extends AbstractList<Object> implements RandomAccess {
  private final Object[] items;

  PyTuple(Object... items) {
    this.items = items.clone();
  }

  @Override
  public Object get(int index) {
    return items[index];
  }

  @Override
  public int size() {
    return items.length;
  }

  @Override
  public String toString() {
    return PythonValues.repr(this);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof PyTuple tuple && Arrays.equals(items, tuple.items);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(items);
  }
}

package dev.endoreward.text;

import java.util.Arrays;

/** A growing sequence of token ids, each with its cuttable flag. */
final class TokenRun {
  private int[] ids;
  private boolean[] cuttable;
  private int size;

  TokenRun(int capacity) {
    ids = new int[Math.max(capacity, 4)];
    cuttable = new boolean[ids.length];
  }

  void add(int id, boolean isCuttable) {
    if (size == ids.length) {
      ids = Arrays.copyOf(ids, size * 2);
      cuttable = Arrays.copyOf(cuttable, size * 2);
    }
    ids[size] = id;
    cuttable[size] = isCuttable;
    size++;
  }

  void addAll(TokenRun other) {
    for (int i = 0; i < other.size; i++) {
      add(other.ids[i], other.cuttable[i]);
    }
  }

  int size() {
    return size;
  }

  int[] ids() {
    return Arrays.copyOf(ids, size);
  }

  boolean[] cuttable() {
    return Arrays.copyOf(cuttable, size);
  }
}

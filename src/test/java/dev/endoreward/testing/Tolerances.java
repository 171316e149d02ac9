package dev.endoreward.testing;

/** Tolerances for comparing float32 results computed along different paths. */
public final class Tolerances {
  private Tolerances() {}

  /**
   * 1e-5, or a few float32 steps for large values: two runs that batch rows differently may move the
   * last bit of a float32 sum.
   */
  public static double float32(double expected) {
    return 1e-5 * Math.max(1, Math.abs(expected));
  }
}

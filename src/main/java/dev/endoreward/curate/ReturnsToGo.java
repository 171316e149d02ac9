package dev.endoreward.curate;

/** Discounted returns of a response's token rewards, for offline RL. */
public final class ReturnsToGo {
  private ReturnsToGo() {}

  /**
   * {@code G_k = r_k + discount * G_{k+1}}, with {@code G} after the last token 0: the return from each
   * response position to the end. Summed in double, returned as float like the rewards. Empty rewards give
   * an empty array.
   */
  public static float[] of(float[] rewards, double discount) {
    float[] returns = new float[rewards.length];
    double next = 0;
    for (int k = rewards.length - 1; k >= 0; k--) {
      next = rewards[k] + discount * next;
      returns[k] = (float) next;
    }
    return returns;
  }
}

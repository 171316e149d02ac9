package dev.endoreward.eval;

/**
 * RM-Bench's comparisons of one prompt or more, split by the matrix {@code M[i][j]} = "chosen response i
 * beats rejected response j", where index 0, 1, 2 is concise, detailed, detailed with markdown: the upper
 * triangle (i &lt; j, the chosen response is plainer than the rejected one) is hard, the diagonal normal,
 * the lower triangle easy. Each part's accuracy pools its comparisons over prompts, which for complete
 * prompts is the mean of the per-prompt matrices that RM-Bench's own script takes.
 *
 * @param hard the upper triangle's comparisons
 * @param normal the diagonal's
 * @param easy the lower triangle's
 * @param prompts the prompts counted
 */
public record Triangles(Tally hard, Tally normal, Tally easy, long prompts) {
  /** No prompt. */
  public static final Triangles EMPTY = new Triangles(Tally.EMPTY, Tally.EMPTY, Tally.EMPTY, 0);

  /**
   * One prompt's matrix.
   *
   * @param chosen the chosen responses' scores, null where a response could not be scored
   * @param rejected the rejected responses' scores, as many as {@code chosen}, null where not scored
   */
  public static Triangles of(Double[] chosen, Double[] rejected) {
    if (chosen.length != rejected.length) {
      throw new IllegalArgumentException("Cannot build a matrix of " + chosen.length + " chosen and "
          + rejected.length + " rejected responses: RM-Bench pairs as many of each");
    }
    Tally hard = Tally.EMPTY;
    Tally normal = Tally.EMPTY;
    Tally easy = Tally.EMPTY;
    for (int i = 0; i < chosen.length; i++) {
      for (int j = 0; j < rejected.length; j++) {
        Tally cell = chosen[i] == null || rejected[j] == null ? Tally.EMPTY.withExcluded()
            : Tally.EMPTY.with(Verdict.of(chosen[i], rejected[j]));
        if (i < j) {
          hard = hard.plus(cell);
        } else if (i == j) {
          normal = normal.plus(cell);
        } else {
          easy = easy.plus(cell);
        }
      }
    }
    return new Triangles(hard, normal, easy, 1);
  }

  public Triangles plus(Triangles other) {
    return new Triangles(hard.plus(other.hard), normal.plus(other.normal), easy.plus(other.easy),
        prompts + other.prompts);
  }

  /** Every comparison of the three parts together. */
  public Tally all() {
    return hard.plus(normal).plus(easy);
  }

  /** RM-Bench's score: the mean of the hard, normal and easy accuracies; NaN when a part has no comparison. */
  public double average() {
    return (hard.accuracy() + normal.accuracy() + easy.accuracy()) / 3;
  }
}

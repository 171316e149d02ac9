package dev.endoreward;

import java.util.function.Predicate;

/**
 * A condition that one setting's value must meet, with the words that explain it. The same rule serves
 * the configuration key that sets a value and the record that holds it, so the two cannot drift apart.
 *
 * @param <T> the value's type
 */
public final class Rule<T> {
  private final String requirement;
  private final Predicate<T> test;

  private Rule(String requirement, Predicate<T> test) {
    this.requirement = requirement;
    this.test = test;
  }

  /**
   * A rule.
   *
   * @param requirement what a good value is, completing "it must be ...", e.g. "in [0, 1]"
   * @param test true for a good value
   */
  public static <T> Rule<T> of(String requirement, Predicate<T> test) {
    return new Rule<>(requirement, test);
  }

  /** A whole number of at least {@code min}; {@code meaning} explains the smallest value, or is null. */
  public static Rule<Integer> atLeast(int min, String meaning) {
    String requirement = meaning == null ? "at least " + min : min + " (" + meaning + ") or more";
    return of(requirement, value -> value >= min);
  }

  public boolean accepts(T value) {
    return test.test(value);
  }

  /** Why a value is refused: "it must be ...". */
  public String violation() {
    return "it must be " + requirement;
  }

  /**
   * Returns {@code value} when the rule accepts it.
   *
   * @param what the value's name in the message, e.g. "alpha"
   * @throws IllegalArgumentException "Cannot use &lt;what&gt; &lt;value&gt;: it must be ..." otherwise
   */
  public T check(String what, T value) {
    if (!accepts(value)) {
      throw new IllegalArgumentException("Cannot use " + what + " " + value + ": " + violation());
    }
    return value;
  }
}

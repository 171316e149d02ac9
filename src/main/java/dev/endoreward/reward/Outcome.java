package dev.endoreward.reward;

import java.util.Objects;
import java.util.function.Function;

/**
 * The result of one row-level step: either a value or a {@link Rejection}, never both. Row-level
 * problems travel as values so that one bad row never fails the batch it is in.
 *
 * @param <T> the type of the successful value
 */
public final class Outcome<T> {
  private final T value;
  private final Rejection rejection;

  private Outcome(T value, Rejection rejection) {
    this.value = value;
    this.rejection = rejection;
  }

  /** A successful outcome holding {@code value}. */
  public static <T> Outcome<T> ok(T value) {
    return new Outcome<>(Objects.requireNonNull(value, "value"), null);
  }

  /** A rejected outcome. */
  public static <T> Outcome<T> rejected(RejectReason reason, String detail) {
    return new Outcome<>(null, new Rejection(reason, detail));
  }

  /** A rejected outcome carrying an existing rejection. */
  public static <T> Outcome<T> rejected(Rejection rejection) {
    return new Outcome<>(null, Objects.requireNonNull(rejection, "rejection"));
  }

  public boolean isRejected() {
    return rejection != null;
  }

  /** The value; throws {@link IllegalStateException} if this outcome is a rejection. */
  public T value() {
    if (rejection != null) {
      throw new IllegalStateException("Cannot read the value of a rejected outcome: " + rejection);
    }
    return value;
  }

  /** The rejection; throws {@link IllegalStateException} if this outcome is a value. */
  public Rejection rejection() {
    if (rejection == null) {
      throw new IllegalStateException("Cannot read the rejection of a successful outcome");
    }
    return rejection;
  }

  /** Applies {@code step} to the value, or passes the rejection through unchanged. */
  public <R> Outcome<R> then(Function<T, Outcome<R>> step) {
    return rejection != null ? rejected(rejection) : step.apply(value);
  }

  @Override
  public String toString() {
    return rejection != null ? "Rejected[" + rejection + "]" : "Ok[" + value + "]";
  }
}

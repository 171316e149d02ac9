package dev.endoreward.reward;

import java.util.Objects;

/**
 * Why one row was not scored: a stable {@link RejectReason} and a human-readable detail.
 *
 * @param reason the stable code
 * @param detail what exactly was wrong with the row, for the {@code reject_detail} column
 */
public record Rejection(RejectReason reason, String detail) {
  public Rejection {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(detail, "detail");
  }
}

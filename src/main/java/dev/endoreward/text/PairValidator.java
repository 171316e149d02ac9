package dev.endoreward.text;

import dev.endoreward.reward.RejectReason;
import dev.endoreward.reward.Rejection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Row-level checks before rendering: null fields, text that is not valid Unicode (see
 * {@link WellFormedText}), an empty response, unknown roles.
 */
final class PairValidator {
  static final Set<String> ROLES = Set.of("system", "user", "assistant", "tool");

  private PairValidator() {}

  /**
   * The first problem of the pair, if any.
   *
   * @param checkRoles whether roles reach a chat template, which then sees them as template
   *     text: only the usual roles are accepted, so that a role can never smuggle in a control
   *     token
   */
  static Optional<Rejection> check(PairInput pair, boolean checkRoles) {
    if (pair == null) {
      return reject(RejectReason.NULL_FIELD, "the pair is null");
    }
    if (pair.system() != null) {
      Optional<Rejection> invalid = invalidText("system prompt", pair.system());
      if (invalid.isPresent()) {
        return invalid;
      }
    }
    List<ChatMessage> prompt = pair.prompt();
    if (prompt == null) {
      return reject(RejectReason.NULL_FIELD, "prompt is null");
    }
    for (int i = 0; i < prompt.size(); i++) {
      ChatMessage message = prompt.get(i);
      if (message == null) {
        return reject(RejectReason.NULL_FIELD, "prompt message " + i + " is null");
      }
      if (message.role() == null) {
        return reject(RejectReason.NULL_FIELD, "role of prompt message " + i + " is null");
      }
      if (message.content() == null) {
        return reject(RejectReason.NULL_FIELD, "content of prompt message " + i + " is null");
      }
      Optional<Rejection> invalid = checkRoles
          ? invalidText("role of prompt message " + i, message.role())
          : Optional.empty();
      if (invalid.isEmpty()) {
        invalid = invalidText("content of prompt message " + i, message.content());
      }
      if (invalid.isPresent()) {
        return invalid;
      }
      if (checkRoles && !ROLES.contains(message.role())) {
        return reject(
            RejectReason.TEMPLATE_ERROR,
            "prompt message " + i + " has role '" + message.role()
                + "'; expected system, user, assistant or tool");
      }
    }
    if (pair.response() == null) {
      return reject(RejectReason.NULL_FIELD, "response is null");
    }
    if (pair.response().isEmpty()) {
      return reject(RejectReason.EMPTY_RESPONSE, "response is empty, so it has no token to score");
    }
    return invalidText("response", pair.response());
  }

  private static Optional<Rejection> invalidText(String what, String text) {
    return WellFormedText.problem(what, text).map(detail -> new Rejection(RejectReason.INVALID_TEXT, detail));
  }

  private static Optional<Rejection> reject(RejectReason reason, String detail) {
    return Optional.of(new Rejection(reason, detail));
  }
}

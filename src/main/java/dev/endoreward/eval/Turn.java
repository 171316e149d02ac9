package dev.endoreward.eval;

import java.io.Serializable;

/**
 * One message of a conversation, as {@code score}'s messages column holds it.
 *
 * @param role {@code user} or {@code assistant}
 * @param content the message text
 */
public record Turn(String role, String content) implements Serializable {
  static final String USER = "user";
  static final String ASSISTANT = "assistant";

  static Turn user(String content) {
    return new Turn(USER, content);
  }

  static Turn assistant(String content) {
    return new Turn(ASSISTANT, content);
  }
}

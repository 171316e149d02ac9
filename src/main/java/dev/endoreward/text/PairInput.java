package dev.endoreward.text;

import java.util.List;

/**
 * One prompt/response pair to score.
 *
 * <p>Fields may be null or empty: {@link PairEncoder#encode} turns such rows into rejections
 * ({@code NULL_FIELD}, {@code EMPTY_RESPONSE}) rather than exceptions.
 *
 * @param system an optional system prompt; null or empty means none
 * @param prompt the conversation before the scored response: usually one user turn, possibly
 *     several turns including earlier assistant turns
 * @param response the assistant content being scored
 */
public record PairInput(String system, List<ChatMessage> prompt, String response) {

  /** A single-turn pair: one user message, then the response. */
  public static PairInput of(String system, String prompt, String response) {
    return new PairInput(system, List.of(new ChatMessage("user", prompt)), response);
  }
}

package dev.endoreward.text;

import java.util.List;

/**
 * A rendered conversation with each character attributed to template or message content.
 *
 * @param text the rendered text, exactly as the template produced it
 * @param occurrences where each message's content appears in the text, in text order (a
 *     template may drop, repeat or strip content)
 */
record RenderedConversation(AttributedText text, List<Occurrence> occurrences) {

  /**
   * One appearance of a message's content.
   *
   * @param message the message's index in the rendered list
   * @param start the first char of the content in the text
   * @param end one past its last char
   */
  record Occurrence(int message, int start, int end) {}

  /** The end of the last appearance of {@code message}'s content, or -1 if it never appears. */
  int lastEndOf(int message) {
    int end = -1;
    for (Occurrence occurrence : occurrences) {
      if (occurrence.message() == message) {
        end = Math.max(end, occurrence.end());
      }
    }
    return end;
  }
}

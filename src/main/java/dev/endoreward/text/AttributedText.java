package dev.endoreward.text;

import java.util.BitSet;

/**
 * Text that knows, per character, whether it came from message content (system, prompt or
 * response text supplied by the data) or from the template. Content characters are never
 * matched as control tokens; template characters are.
 */
final class AttributedText {
  private final String text;
  private final BitSet content; // bit i set: char i came from message content

  private AttributedText(String text, BitSet content) {
    this.text = text;
    this.content = content;
  }

  static AttributedText of(String text, BitSet content) {
    return new AttributedText(text, (BitSet) content.clone());
  }

  static AttributedText template(String text) {
    return new AttributedText(text, new BitSet());
  }

  static AttributedText content(String text) {
    BitSet bits = new BitSet();
    bits.set(0, text.length());
    return new AttributedText(text, bits);
  }

  String text() {
    return text;
  }

  int length() {
    return text.length();
  }

  boolean isContent(int index) {
    return content.get(index);
  }

  /** Whether every char in [from, to) came from content; false for an empty range. */
  boolean allContent(int from, int to) {
    return from < to && content.nextClearBit(from) >= to;
  }

  AttributedText slice(int from, int to) {
    return new AttributedText(text.substring(from, to), content.get(from, to));
  }

  AttributedText append(AttributedText tail) {
    BitSet bits = (BitSet) content.clone();
    for (int i = tail.content.nextSetBit(0); i >= 0; i = tail.content.nextSetBit(i + 1)) {
      bits.set(text.length() + i);
    }
    return new AttributedText(text + tail.text, bits);
  }

  /** The text with content runs wrapped in {@code ⟦...⟧}, for messages and debugging. */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      if (content.get(i) && (i == 0 || !content.get(i - 1))) {
        out.append('⟦');
      }
      out.append(text.charAt(i));
      if (content.get(i) && !content.get(i + 1)) {
        out.append('⟧');
      }
    }
    return out.toString();
  }
}

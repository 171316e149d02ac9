package dev.endoreward.text;

import java.util.Optional;

/**
 * Whether a Java string is text that a tokenizer can encode: well-formed UTF-16, in which every
 * surrogate is half of a high/low pair. A lone surrogate has no code point and no UTF-8 encoding;
 * it must be caught before the native tokenizer, which would otherwise see other characters than
 * Java does. Everything else (controls, noncharacters such as U+FFFE, format and private-use
 * characters) is valid text and is scored as is.
 */
final class WellFormedText {
  private WellFormedText() {}

  /** The char index of the first lone surrogate of {@code text}, or -1 if it has none. */
  static int firstLoneSurrogate(CharSequence text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return i;
      }
    }
    return -1;
  }

  /**
   * What is wrong with {@code text}, if anything: "{@code <what> has a lone surrogate U+D83D at
   * char 17, ...}", with the 0-based UTF-16 char index and the fix.
   *
   * @param what the name of the text, such as "content of prompt message 1"
   */
  static Optional<String> problem(String what, CharSequence text) {
    int index = firstLoneSurrogate(text);
    if (index < 0) {
      return Optional.empty();
    }
    return Optional.of(String.format(
        "%s has a lone surrogate U+%04X at char %d, which is not Unicode text; repair the text"
            + " where it is produced", what, (int) text.charAt(index), index));
  }
}

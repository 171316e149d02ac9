package dev.endoreward.text;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Splits text at control tokens the way Hugging Face tokenizers split at added tokens, except
 * that only template characters can match: content that spells {@code <|end|>} stays text.
 *
 * <p>As in tokenizers' {@code AddedVocabulary}: matches are leftmost-longest and do not
 * overlap; a {@code single_word} token is skipped where a word character ({@code \w}) touches
 * it, and the search goes on after it; an {@code lstrip} token absorbs the whitespace before it
 * (back to the previous piece) and an {@code rstrip} token the whitespace after it, whatever
 * its origin; absorbed whitespace produces no ids. Whitespace is Unicode {@code White_Space},
 * as Rust's {@code \s}. Tokens are matched on the raw text, also those marked
 * {@code normalized}.
 */
final class ControlTokenSplitter {
  private static final Pattern WORD_CHAR =
      Pattern.compile("\\w", Pattern.UNICODE_CHARACTER_CLASS);

  private final Map<Character, List<ControlToken>> byFirstChar = new HashMap<>();

  ControlTokenSplitter(List<ControlToken> tokens) {
    for (ControlToken token : tokens) {
      byFirstChar.computeIfAbsent(token.content().charAt(0), key -> new ArrayList<>()).add(token);
    }
    for (List<ControlToken> candidates : byFirstChar.values()) {
      candidates.sort(Comparator.comparingInt((ControlToken t) -> t.content().length()).reversed());
    }
  }

  /**
   * The pieces of {@code text}, covering it except for absorbed whitespace.
   *
   * @param skipLeadingSpace whether whitespace at the start belongs to a preceding
   *     {@code rstrip} control token (one in the text before a boundary)
   */
  List<Piece> split(AttributedText text, boolean skipLeadingSpace) {
    String chars = text.text();
    List<Piece> pieces = new ArrayList<>();
    int pieceStart = skipLeadingSpace ? skipSpaceForward(chars, 0) : 0;
    int search = pieceStart;
    while (search < chars.length()) {
      ControlToken token = text.isContent(search) ? null : longestMatchAt(text, search);
      if (token == null) {
        search++;
        continue;
      }
      int matchEnd = search + token.content().length();
      if (token.singleWord() && touchesWord(chars, search, matchEnd)) {
        search = matchEnd;
        continue;
      }
      int textEnd =
          token.lstrip() ? Math.max(skipSpaceBackward(chars, search), pieceStart) : search;
      addText(pieces, text, pieceStart, textEnd);
      pieces.add(new Piece.Control(token, search));
      pieceStart = token.rstrip() ? skipSpaceForward(chars, matchEnd) : matchEnd;
      search = pieceStart;
    }
    addText(pieces, text, pieceStart, chars.length());
    return pieces;
  }

  private ControlToken longestMatchAt(AttributedText text, int position) {
    List<ControlToken> candidates = byFirstChar.get(text.text().charAt(position));
    if (candidates == null) {
      return null;
    }
    for (ControlToken candidate : candidates) {
      int end = position + candidate.content().length();
      if (text.text().startsWith(candidate.content(), position)
          && noContentIn(text, position, end)) {
        return candidate;
      }
    }
    return null;
  }

  private static boolean noContentIn(AttributedText text, int from, int to) {
    for (int i = from; i < to; i++) {
      if (text.isContent(i)) {
        return false;
      }
    }
    return true;
  }

  private static void addText(List<Piece> pieces, AttributedText text, int from, int to) {
    if (from < to) {
      pieces.add(new Piece.Text(text.slice(from, to)));
    }
  }

  private static boolean touchesWord(String chars, int start, int end) {
    boolean wordBefore =
        start > 0 && WORD_CHAR.matcher(chars.substring(chars.offsetByCodePoints(start, -1), start))
            .matches();
    boolean wordAfter =
        end < chars.length()
            && WORD_CHAR.matcher(chars.substring(end, chars.offsetByCodePoints(end, 1))).matches();
    return wordBefore || wordAfter;
  }

  /** Unicode {@code White_Space}: separators, and the controls TAB to CR and NEL. */
  private static boolean isWhiteSpace(int codePoint) {
    return Character.isSpaceChar(codePoint)
        || (codePoint >= 0x09 && codePoint <= 0x0D)
        || codePoint == 0x85;
  }

  private static int skipSpaceForward(String chars, int from) {
    int position = from;
    while (position < chars.length()) {
      int next = chars.offsetByCodePoints(position, 1);
      if (!isWhiteSpace(chars.codePointAt(position))) {
        break;
      }
      position = next;
    }
    return position;
  }

  private static int skipSpaceBackward(String chars, int from) {
    int position = from;
    while (position > 0) {
      int previous = chars.offsetByCodePoints(position, -1);
      if (!isWhiteSpace(chars.codePointAt(previous))) {
        break;
      }
      position = previous;
    }
    return position;
  }
}

package dev.endoreward.text;

import dev.endoreward.text.jinja.PythonValues;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntPredicate;

/**
 * Renders a conversation and works out which characters of the output came from message
 * content, so that only template text can ever become control tokens.
 *
 * <p>Method: render twice, once with the real messages and once with each non-empty content
 * replaced by a unique sentinel ({@code U+E0xx index U+E0xx}, using a private-use character
 * that occurs in no content). The sentinel render splits into template literals and sentinel
 * positions; these are aligned against the real render, where each sentinel must match its
 * content as is, or with surrounding whitespace or newlines stripped as Python's {@code strip},
 * {@code lstrip} and {@code rstrip} do, without or with {@code '\n'} as argument (templates such
 * as Llama's and Gemma's trim content, Qwen3's strips newlines off the response). The real
 * render is the text that is used; the alignment only labels it. A template that changes
 * content in any other way, or branches on content, cannot be aligned and the row is rejected
 * with {@code TEMPLATE_ERROR}.
 */
final class AttributingRenderer {
  private static final char FIRST_PRIVATE_USE = '\uE000';
  private static final char LAST_PRIVATE_USE = '\uF8FF';

  private final ChatTemplate template;

  AttributingRenderer(ChatTemplate template) {
    this.template = template;
  }

  /**
   * @param now the time {@code strftime_now} shows, the same for both renders
   */
  RenderedConversation render(List<ChatMessage> messages, boolean addGenerationPrompt, ZonedDateTime now)
      throws TemplateRenderException {
    String real = template.render(messages, addGenerationPrompt, now);
    char marker = unusedMarker(messages);
    List<ChatMessage> sentinels = new ArrayList<>(messages.size());
    for (int i = 0; i < messages.size(); i++) {
      ChatMessage message = messages.get(i);
      boolean hasContent = !message.content().isEmpty();
      sentinels.add(
          new ChatMessage(message.role(), hasContent ? sentinel(marker, i) : message.content()));
    }
    String marked = template.render(sentinels, addGenerationPrompt, now);
    List<Object> parts = splitParts(marked, marker, messages.size());
    Alignment alignment = new Alignment(real, parts, messages);
    if (!alignment.align(0, 0)) {
      throw new TemplateRenderException(
          "cannot attribute rendered text to message content: the chat template changes or"
              + " inspects content beyond stripping whitespace (" + unaligned(real, messages)
              + "); use template.mode=plain, or a template that inserts content unchanged");
    }
    BitSet content = new BitSet();
    for (RenderedConversation.Occurrence occurrence : alignment.occurrences) {
      content.set(occurrence.start(), occurrence.end());
    }
    return new RenderedConversation(
        AttributedText.of(real, content), List.copyOf(alignment.occurrences));
  }

  /** Which message the alignment could not place, as far as one can tell. */
  private static String unaligned(String real, List<ChatMessage> messages) {
    for (int i = 0; i < messages.size(); i++) {
      ChatMessage message = messages.get(i);
      if (!message.content().isEmpty()
          && Alignment.variants(message.content()).stream().noneMatch(real::contains)) {
        return "messages[" + i + "], role " + message.role() + ", does not appear in the output, as is or"
            + " stripped";
      }
    }
    return "every message appears in the output, but not where the template's own text leaves room for it";
  }

  private char unusedMarker(List<ChatMessage> messages) {
    for (char candidate = FIRST_PRIVATE_USE; candidate <= LAST_PRIVATE_USE; candidate++) {
      if (template.source().indexOf(candidate) < 0 && !occursIn(candidate, messages)) {
        return candidate;
      }
    }
    // Unreachable in practice: 6,400 candidates, and a row would need to contain them all.
    throw new IllegalStateException("Cannot attribute content: no unused private-use marker");
  }

  private static boolean occursIn(char candidate, List<ChatMessage> messages) {
    for (ChatMessage message : messages) {
      if (message.content().indexOf(candidate) >= 0) {
        return true;
      }
    }
    return false;
  }

  private static String sentinel(char marker, int index) {
    return marker + Integer.toString(index) + marker;
  }

  /** Template literals (String) and sentinel message indices (Integer), in output order. */
  private static List<Object> splitParts(String marked, char marker, int messageCount)
      throws TemplateRenderException {
    List<Object> parts = new ArrayList<>();
    int position = 0;
    while (true) {
      int open = marked.indexOf(marker, position);
      if (open < 0) {
        parts.add(marked.substring(position));
        return parts;
      }
      int close = marked.indexOf(marker, open + 1);
      Integer index = close < 0 ? null : parseIndex(marked.substring(open + 1, close));
      if (index == null || index >= messageCount) {
        throw new TemplateRenderException(
            "cannot attribute rendered text to message content: the chat template alters"
                + " content");
      }
      parts.add(marked.substring(position, open));
      parts.add(index);
      position = close + 1;
    }
  }

  private static Integer parseIndex(String digits) {
    if (digits.isEmpty() || digits.length() > 9 || !digits.chars().allMatch(Character::isDigit)) {
      return null;
    }
    return Integer.valueOf(digits);
  }

  /** Backtracking match of the parts against the real render, remembering dead ends. */
  private static final class Alignment {
    private final String real;
    private final List<Object> parts;
    private final List<ChatMessage> messages;
    private final Set<Long> deadEnds = new HashSet<>();
    private final List<RenderedConversation.Occurrence> occurrences = new ArrayList<>();

    Alignment(String real, List<Object> parts, List<ChatMessage> messages) {
      this.real = real;
      this.parts = parts;
      this.messages = messages;
    }

    boolean align(int part, int position) {
      if (part == parts.size()) {
        return position == real.length();
      }
      long state = ((long) part << 32) | position;
      if (deadEnds.contains(state)) {
        return false;
      }
      if (parts.get(part) instanceof String literal) {
        if (real.startsWith(literal, position) && align(part + 1, position + literal.length())) {
          return true;
        }
      } else {
        int message = (Integer) parts.get(part);
        for (String variant : variants(messages.get(message).content())) {
          int end = position + variant.length();
          if (real.startsWith(variant, position)) {
            occurrences.add(new RenderedConversation.Occurrence(message, position, end));
            if (align(part + 1, end)) {
              return true;
            }
            occurrences.remove(occurrences.size() - 1);
          }
        }
      }
      deadEnds.add(state);
      return false;
    }

    /**
     * The content as is, then stripped as Python's strip, lstrip and rstrip would, of whitespace
     * and of newlines only.
     */
    private static Set<String> variants(String content) {
      Set<String> variants = new LinkedHashSet<>();
      variants.add(content);
      for (IntPredicate strippable : List.<IntPredicate>of(PythonValues::isSpace, c -> c == '\n')) {
        int first = 0;
        while (first < content.length() && strippable.test(content.charAt(first))) {
          first++;
        }
        int last = content.length();
        while (last > first && strippable.test(content.charAt(last - 1))) {
          last--;
        }
        variants.add(content.substring(first, last));
        variants.add(content.substring(first));
        variants.add(content.substring(0, last));
      }
      return variants;
    }
  }
}

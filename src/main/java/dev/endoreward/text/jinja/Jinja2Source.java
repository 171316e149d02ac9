package dev.endoreward.text.jinja;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A template's source as jinja2's lexer reads it, for Jinjava to parse: line breaks unified to
 * {@code \n}, one trailing newline dropped ({@code keep_trailing_newline=False}), and
 * {@code lstrip_blocks} applied, which Jinjava's own option gets wrong: it strips the spaces and
 * tabs before every block tag, while jinja2 strips them only when nothing else precedes the tag
 * on its line ({@code {{ x }} {% if %}} keeps its space).
 */
final class Jinja2Source {
  private static final Pattern RAW = Pattern.compile("\\{%[-+]?\\s*raw\\s*[-+]?%}");
  private static final Pattern END_RAW = Pattern.compile("\\{%[-+]?\\s*endraw\\s*[-+]?%}");

  private Jinja2Source() {}

  static String of(String source) {
    String unified = source.replace("\r\n", "\n").replace('\r', '\n');
    if (unified.endsWith("\n")) {
      unified = unified.substring(0, unified.length() - 1);
    }
    return lstripBlocks(unified);
  }

  private static String lstripBlocks(String text) {
    StringBuilder out = new StringBuilder(text.length());
    int i = 0;
    while (i < text.length()) {
      int open = nextDelimiter(text, i);
      if (open < 0) {
        out.append(text, i, text.length());
        break;
      }
      out.append(text, i, open);
      char kind = text.charAt(open + 1);
      char modifier = open + 2 < text.length() ? text.charAt(open + 2) : ' ';
      if (kind != '{' && modifier != '+' && modifier != '-') {
        int start = out.length();
        while (start > 0 && (out.charAt(start - 1) == ' ' || out.charAt(start - 1) == '\t')) {
          start--;
        }
        if (start == 0 || out.charAt(start - 1) == '\n') {
          out.setLength(start);
        }
      }
      int close = closing(text, open, kind);
      if (close < 0) {
        out.append(text, open, text.length());
        break;
      }
      out.append(text, open, close);
      i = close;
      if (kind == '%' && RAW.matcher(text.substring(open, close)).matches()) {
        Matcher end = END_RAW.matcher(text);
        int rawEnd = end.find(close) ? end.start() : text.length();
        out.append(text, close, rawEnd);
        i = rawEnd;
      }
    }
    return out.toString();
  }

  /** The next {@code {{}, {@code {%} or {@code {#} at or after {@code from}, or -1. */
  private static int nextDelimiter(String text, int from) {
    for (int i = text.indexOf('{', from); i >= 0 && i + 1 < text.length(); i = text.indexOf('{', i + 1)) {
      char next = text.charAt(i + 1);
      if (next == '{' || next == '%' || next == '#') {
        return i;
      }
    }
    return -1;
  }

  /** One past the end of the tag, expression or comment opening at {@code open}, or -1. */
  private static int closing(String text, int open, char kind) {
    if (kind == '#') {
      int end = text.indexOf("#}", open + 2);
      return end < 0 ? -1 : end + 2;
    }
    char last = kind == '%' ? '%' : '}';
    for (int i = open + 2; i + 1 < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\'' || c == '"') {
        int j = i + 1;
        while (j < text.length() && text.charAt(j) != c) {
          j += text.charAt(j) == '\\' ? 2 : 1;
        }
        i = j;
      } else if (c == last && text.charAt(i + 1) == '}') {
        return i + 2;
      }
    }
    return -1;
  }
}

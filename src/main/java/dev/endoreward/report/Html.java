package dev.endoreward.report;

import java.util.Locale;

/** Escaping and number formats of the page; every text from the data goes through {@link #text}. */
final class Html {
  private Html() {}

  /** {@code value} safe in element content and in double-quoted attributes. */
  static String text(String value) {
    if (value == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> {
          // A lone surrogate cannot be written in UTF-8: show the replacement character instead.
          boolean pairStart = Character.isHighSurrogate(c) && i + 1 < value.length()
              && Character.isLowSurrogate(value.charAt(i + 1));
          if (pairStart) {
            out.append(c).append(value.charAt(++i));
          } else if (Character.isSurrogate(c)) {
            out.append('\uFFFD');
          } else if (c < 0x20 && c != '\n' && c != '\t') {
            out.append("&#x").append(Integer.toHexString(0x2400 + c)).append(';');
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }

  /** {@code value} cut to {@code chars} characters, with an ellipsis when it was longer. */
  static String cut(String value, int chars) {
    if (value == null || value.length() <= chars) {
      return value;
    }
    int end = Character.isLowSurrogate(value.charAt(chars)) ? chars - 1 : chars;
    return value.substring(0, end) + "…";
  }

  /** Four significant digits. */
  static String number(double value) {
    return String.format(Locale.ROOT, "%.4g", value);
  }

  /** A count with thousands separators. */
  static String count(long value) {
    return String.format(Locale.ROOT, "%,d", value);
  }

  /** A fraction in [0, 1] as a percentage with one decimal, or an en dash for null. */
  static String percent(Double fraction) {
    return fraction == null ? "–" : String.format(Locale.ROOT, "%.1f%%", 100 * fraction);
  }
}

package dev.endoreward.text.jinja;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.function.IntPredicate;

/**
 * Python's {@code str} methods, with Python's semantics: indices count code points, {@code split}
 * keeps empty parts and splits on literal text, {@code strip()} removes Unicode whitespace.
 */
final class PythonStrings {
  private PythonStrings() {}

  /**
   * Calls {@code text.name(args)}.
   *
   * @throws IllegalArgumentException for an unknown method or bad arguments, worded as Python does
   */
  static Object call(String text, String name, Arguments args) {
    return switch (name) {
      case "startswith" -> affix(text, args, true);
      case "endswith" -> affix(text, args, false);
      case "split" -> split(text, args.string(0, "sep", null), args.integer(1, "maxsplit", -1));
      case "rsplit" -> rsplit(text, args.string(0, "sep", null), args.integer(1, "maxsplit", -1));
      case "splitlines" -> splitlines(text, PythonValues.truthy(args.get(0, "keepends", false)));
      case "strip" -> strip(text, args.string(0, "chars", null), true, true);
      case "lstrip" -> strip(text, args.string(0, "chars", null), true, false);
      case "rstrip" -> strip(text, args.string(0, "chars", null), false, true);
      case "lower" -> text.toLowerCase(Locale.ROOT);
      case "upper" -> text.toUpperCase(Locale.ROOT);
      case "title" -> title(text);
      case "capitalize" -> capitalize(text);
      case "swapcase" -> swapcase(text);
      case "replace" -> replace(text, args.requiredString(0, "old"), args.requiredString(1, "new"),
          args.integer(2, "count", -1));
      case "find" -> find(text, args, false, false);
      case "rfind" -> find(text, args, true, false);
      case "index" -> find(text, args, false, true);
      case "rindex" -> find(text, args, true, true);
      case "count" -> count(text, args);
      case "join" -> join(text, args.get(0, "iterable", null));
      case "removeprefix" -> {
        String prefix = args.requiredString(0, "prefix");
        yield text.startsWith(prefix) ? text.substring(prefix.length()) : text;
      }
      case "removesuffix" -> {
        String suffix = args.requiredString(0, "suffix");
        yield !suffix.isEmpty() && text.endsWith(suffix)
            ? text.substring(0, text.length() - suffix.length())
            : text;
      }
      case "partition" -> partition(text, args.requiredString(0, "sep"), false);
      case "rpartition" -> partition(text, args.requiredString(0, "sep"), true);
      case "isspace" -> all(text, PythonValues::isSpace);
      case "isdigit", "isdecimal", "isnumeric" -> all(text, Character::isDigit);
      case "isalpha" -> all(text, Character::isLetter);
      case "isalnum" -> all(text, Character::isLetterOrDigit);
      case "islower" -> cased(text) && text.equals(text.toLowerCase(Locale.ROOT));
      case "isupper" -> cased(text) && text.equals(text.toUpperCase(Locale.ROOT));
      default -> throw new IllegalArgumentException("'str' object has no attribute '" + name + "'");
    };
  }

  /** {@code text[start:stop:step]}, counting code points. */
  static String slice(String text, Integer start, Integer stop, Integer step) {
    int[] codePoints = text.codePoints().toArray();
    StringBuilder out = new StringBuilder();
    for (int i : PythonSlice.positions(codePoints.length, start, stop, step)) {
      out.appendCodePoint(codePoints[i]);
    }
    return out.toString();
  }

  /** {@code text[index]}, counting code points, or null where Python raises IndexError. */
  static String at(String text, int index) {
    int length = text.codePointCount(0, text.length());
    int position = index < 0 ? index + length : index;
    if (position < 0 || position >= length) {
      return null;
    }
    int offset = text.offsetByCodePoints(0, position);
    return new String(Character.toChars(text.codePointAt(offset)));
  }

  static int length(String text) {
    return text.codePointCount(0, text.length());
  }

  private static boolean affix(String text, Arguments args, boolean prefix) {
    Object affixes = args.get(0, prefix ? "prefix" : "suffix", null);
    String region = region(text, args.integer(1, "start", null), args.integer(2, "end", null));
    if (region == null) {
      return false;
    }
    List<Object> candidates = affixes instanceof Collection<?> many ? new ArrayList<>(many) : List.of(
        affixes == null ? "" : affixes);
    for (Object candidate : candidates) {
      if (!(candidate instanceof String s)) {
        throw new IllegalArgumentException((prefix ? "startswith" : "endswith")
            + " first arg must be str or a tuple of str, not " + PythonValues.typeName(candidate));
      }
      if (prefix ? region.startsWith(s) : region.endsWith(s)) {
        return true;
      }
    }
    return false;
  }

  /** {@code text[start:end]} as {@code str.find} and friends see it; null when start is past the end. */
  private static String region(String text, Integer start, Integer end) {
    int length = length(text);
    int from = clamp(start == null ? 0 : start, length);
    int to = clamp(end == null ? length : end, length);
    if (from > length) {
      return null;
    }
    return to <= from ? "" : text.substring(offset(text, from), offset(text, to));
  }

  private static int clamp(int index, int length) {
    int position = index < 0 ? index + length : index;
    return Math.max(0, Math.min(position, length));
  }

  private static int offset(String text, int codePoints) {
    return text.offsetByCodePoints(0, codePoints);
  }

  private static List<Object> split(String text, String sep, int maxsplit) {
    List<Object> parts = new ArrayList<>();
    if (sep == null) {
      int i = 0;
      int n = text.length();
      while (true) {
        while (i < n && PythonValues.isSpace(text.codePointAt(i))) {
          i += Character.charCount(text.codePointAt(i));
        }
        if (i >= n) {
          return parts;
        }
        if (maxsplit >= 0 && parts.size() == maxsplit) {
          parts.add(text.substring(i));
          return parts;
        }
        int start = i;
        while (i < n && !PythonValues.isSpace(text.codePointAt(i))) {
          i += Character.charCount(text.codePointAt(i));
        }
        parts.add(text.substring(start, i));
      }
    }
    if (sep.isEmpty()) {
      throw new IllegalArgumentException("empty separator");
    }
    int start = 0;
    while (maxsplit < 0 || parts.size() < maxsplit) {
      int at = text.indexOf(sep, start);
      if (at < 0) {
        break;
      }
      parts.add(text.substring(start, at));
      start = at + sep.length();
    }
    parts.add(text.substring(start));
    return parts;
  }

  private static List<Object> rsplit(String text, String sep, int maxsplit) {
    List<Object> parts = new ArrayList<>();
    if (sep == null) {
      int i = text.length();
      while (true) {
        while (i > 0 && PythonValues.isSpace(text.codePointBefore(i))) {
          i -= Character.charCount(text.codePointBefore(i));
        }
        if (i <= 0) {
          break;
        }
        if (maxsplit >= 0 && parts.size() == maxsplit) {
          parts.add(text.substring(0, i));
          break;
        }
        int end = i;
        while (i > 0 && !PythonValues.isSpace(text.codePointBefore(i))) {
          i -= Character.charCount(text.codePointBefore(i));
        }
        parts.add(text.substring(i, end));
      }
    } else {
      if (sep.isEmpty()) {
        throw new IllegalArgumentException("empty separator");
      }
      int end = text.length();
      while (maxsplit < 0 || parts.size() < maxsplit) {
        int at = text.lastIndexOf(sep, end - sep.length());
        if (at < 0) {
          break;
        }
        parts.add(text.substring(at + sep.length(), end));
        end = at;
      }
      parts.add(text.substring(0, end));
    }
    java.util.Collections.reverse(parts);
    return parts;
  }

  private static List<Object> splitlines(String text, boolean keepEnds) {
    List<Object> lines = new ArrayList<>();
    int start = 0;
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      int breakLength = 0;
      if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
        breakLength = 2;
      } else if (c == '\n' || c == '\r' || c == 0x0b || c == 0x0c || c == 0x1c || c == 0x1d
          || c == 0x1e || c == 0x85 || c == 0x2028 || c == 0x2029) {
        breakLength = 1;
      }
      if (breakLength == 0) {
        i++;
        continue;
      }
      lines.add(text.substring(start, keepEnds ? i + breakLength : i));
      i += breakLength;
      start = i;
    }
    if (start < text.length()) {
      lines.add(text.substring(start));
    }
    return lines;
  }

  /** {@code strip}, {@code lstrip} or {@code rstrip}: whitespace, or the code points of {@code chars}. */
  static String strip(String text, String chars, boolean left, boolean right) {
    IntPredicate strippable = chars == null ? PythonValues::isSpace : c -> chars.indexOf(c) >= 0;
    int start = 0;
    int end = text.length();
    while (left && start < end && strippable.test(text.codePointAt(start))) {
      start += Character.charCount(text.codePointAt(start));
    }
    while (right && end > start && strippable.test(text.codePointBefore(end))) {
      end -= Character.charCount(text.codePointBefore(end));
    }
    return text.substring(start, end);
  }

  private static String title(String text) {
    StringBuilder out = new StringBuilder(text.length());
    boolean previousCased = false;
    for (int i = 0; i < text.length(); ) {
      int c = text.codePointAt(i);
      i += Character.charCount(c);
      boolean cased = isCased(c);
      out.appendCodePoint(cased ? (previousCased ? Character.toLowerCase(c) : Character.toTitleCase(c)) : c);
      previousCased = cased;
    }
    return out.toString();
  }

  private static String capitalize(String text) {
    if (text.isEmpty()) {
      return text;
    }
    int first = text.codePointAt(0);
    return new StringBuilder().appendCodePoint(Character.toTitleCase(first))
        .append(text.substring(Character.charCount(first)).toLowerCase(Locale.ROOT)).toString();
  }

  private static String swapcase(String text) {
    StringBuilder out = new StringBuilder(text.length());
    text.codePoints().forEach(c -> out.appendCodePoint(
        Character.isUpperCase(c) ? Character.toLowerCase(c)
            : Character.isLowerCase(c) ? Character.toUpperCase(c) : c));
    return out.toString();
  }

  private static boolean isCased(int c) {
    return Character.isUpperCase(c) || Character.isLowerCase(c) || Character.isTitleCase(c);
  }

  private static boolean cased(String text) {
    return text.codePoints().anyMatch(PythonStrings::isCased);
  }

  private static boolean all(String text, IntPredicate test) {
    return !text.isEmpty() && text.codePoints().allMatch(test);
  }

  private static String replace(String text, String old, String replacement, int count) {
    StringBuilder out = new StringBuilder();
    int done = 0;
    if (old.isEmpty()) {
      int i = 0;
      while (true) {
        if (count < 0 || done < count) {
          out.append(replacement);
          done++;
        }
        if (i >= text.length()) {
          return out.toString();
        }
        int c = text.codePointAt(i);
        out.appendCodePoint(c);
        i += Character.charCount(c);
      }
    }
    int start = 0;
    while (count < 0 || done < count) {
      int at = text.indexOf(old, start);
      if (at < 0) {
        break;
      }
      out.append(text, start, at).append(replacement);
      start = at + old.length();
      done++;
    }
    return out.append(text.substring(start)).toString();
  }

  private static int find(String text, Arguments args, boolean fromRight, boolean raise) {
    String sub = args.requiredString(0, "sub");
    Integer start = args.integer(1, "start", null);
    String region = region(text, start, args.integer(2, "end", null));
    int found = -1;
    if (region != null) {
      int at = fromRight ? region.lastIndexOf(sub) : region.indexOf(sub);
      if (at >= 0) {
        found = region.codePointCount(0, at) + clamp(start == null ? 0 : start, length(text));
      }
    }
    if (found < 0 && raise) {
      throw new IllegalArgumentException("substring not found");
    }
    return found;
  }

  private static int count(String text, Arguments args) {
    String sub = args.requiredString(0, "sub");
    String region = region(text, args.integer(1, "start", null), args.integer(2, "end", null));
    if (region == null) {
      return 0;
    }
    if (sub.isEmpty()) {
      return length(region) + 1;
    }
    int count = 0;
    for (int at = region.indexOf(sub); at >= 0; at = region.indexOf(sub, at + sub.length())) {
      count++;
    }
    return count;
  }

  private static String join(String separator, Object iterable) {
    StringBuilder out = new StringBuilder();
    int index = 0;
    for (Object item : PythonValues.iterate(iterable)) {
      if (!(item instanceof String)) {
        throw new IllegalArgumentException("sequence item " + index + ": expected str instance, "
            + PythonValues.typeName(item) + " found");
      }
      if (index++ > 0) {
        out.append(separator);
      }
      out.append(item);
    }
    return out.toString();
  }

  private static PyTuple partition(String text, String sep, boolean fromRight) {
    if (sep.isEmpty()) {
      throw new IllegalArgumentException("empty separator");
    }
    int at = fromRight ? text.lastIndexOf(sep) : text.indexOf(sep);
    if (at < 0) {
      return fromRight ? new PyTuple("", "", text) : new PyTuple(text, "", "");
    }
    return new PyTuple(text.substring(0, at), sep, text.substring(at + sep.length()));
  }
}

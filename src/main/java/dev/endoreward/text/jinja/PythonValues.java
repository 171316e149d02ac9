package dev.endoreward.text.jinja;

import com.hubspot.jinjava.objects.Namespace;
import com.hubspot.jinjava.objects.SafeString;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Python's view of the values a template handles: {@code str()} and {@code repr()}, truthiness,
 * whitespace, and what iterating over a value yields. Python {@code None} and jinja2's undefined
 * are both Java {@code null} here.
 */
public final class PythonValues {
  private PythonValues() {}

  /** Python's {@code str.isspace} for one code point (the characters {@code str.strip()} removes). */
  public static boolean isSpace(int c) {
    return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == 0x85;
  }

  /** Python's truthiness: none, zero and empty strings and containers are false. */
  public static boolean truthy(Object value) {
    if (value == null) {
      return false;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    if (value instanceof Number n) {
      return n instanceof BigDecimal d ? d.signum() != 0 : n.doubleValue() != 0;
    }
    if (value instanceof CharSequence || value instanceof SafeString) {
      return !value.toString().isEmpty();
    }
    if (value instanceof Collection<?> c) {
      return !c.isEmpty();
    }
    if (value instanceof Map<?, ?> m) {
      return !m.isEmpty();
    }
    if (value.getClass().isArray()) {
      return java.lang.reflect.Array.getLength(value) != 0;
    }
    return true;
  }

  /** Python's {@code ==}: numbers by value ({@code 1 == 1.0}), anything else by {@code equals}. */
  static boolean equal(Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y && !(a instanceof Boolean) && !(b instanceof Boolean)) {
      boolean whole = !(a instanceof Double || a instanceof Float || a instanceof BigDecimal)
          && !(b instanceof Double || b instanceof Float || b instanceof BigDecimal);
      return whole ? new BigInteger(x.toString()).equals(new BigInteger(y.toString()))
          : x.doubleValue() == y.doubleValue();
    }
    return java.util.Objects.equals(a, b);
  }

  /** Python's {@code str(value)}, as {@code {{ value }}} prints it; undefined and none print nothing. */
  public static String str(Object value) {
    if (value == null) {
      return "";
    }
    if (value instanceof String s) {
      return s;
    }
    if (value instanceof SafeString || value instanceof CharSequence) {
      return value.toString();
    }
    return repr(value);
  }

  /** Python's {@code repr(value)}, as lists and dicts print their items. */
  public static String repr(Object value) {
    StringBuilder out = new StringBuilder();
    appendRepr(out, value);
    return out.toString();
  }

  private static void appendRepr(StringBuilder out, Object value) {
    if (value == null) {
      out.append("None");
    } else if (value instanceof Boolean b) {
      out.append(b ? "True" : "False");
    } else if (value instanceof String || value instanceof SafeString || value instanceof Character) {
      appendStringRepr(out, value.toString());
    } else if (value instanceof Double || value instanceof Float) {
      out.append(floatRepr(((Number) value).doubleValue()));
    } else if (value instanceof BigDecimal d) {
      out.append(floatRepr(d.doubleValue()));
    } else if (value instanceof Number) {
      out.append(value);
    } else if (value instanceof PyTuple tuple) {
      out.append('(');
      appendItems(out, tuple);
      out.append(tuple.size() == 1 ? ",)" : ")");
    } else if (value instanceof Namespace namespace) {
      out.append("<Namespace ");
      appendMap(out, namespace);
      out.append('>');
    } else if (value instanceof Map<?, ?> map) {
      appendMap(out, map);
    } else if (value instanceof Collection<?> items) {
      out.append('[');
      appendItems(out, items);
      out.append(']');
    } else if (value.getClass().isArray()) {
      out.append('[');
      appendItems(out, iterate(value));
      out.append(']');
    } else {
      out.append(value);
    }
  }

  private static void appendItems(StringBuilder out, Collection<?> items) {
    boolean first = true;
    for (Object item : items) {
      if (!first) {
        out.append(", ");
      }
      first = false;
      appendRepr(out, item);
    }
  }

  private static void appendMap(StringBuilder out, Map<?, ?> map) {
    out.append('{');
    boolean first = true;
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      if (!first) {
        out.append(", ");
      }
      first = false;
      appendRepr(out, entry.getKey());
      out.append(": ");
      appendRepr(out, entry.getValue());
    }
    out.append('}');
  }

  /** Python's string repr: single quotes unless the text holds one and no double quote. */
  private static void appendStringRepr(StringBuilder out, String text) {
    char quote = text.indexOf('\'') >= 0 && text.indexOf('"') < 0 ? '"' : '\'';
    out.append(quote);
    text.codePoints()
        .forEach(
            c -> {
              if (c == quote || c == '\\') {
                out.append('\\').appendCodePoint(c);
              } else if (c == '\t') {
                out.append("\\t");
              } else if (c == '\n') {
                out.append("\\n");
              } else if (c == '\r') {
                out.append("\\r");
              } else if (isPrintable(c)) {
                out.appendCodePoint(c);
              } else if (c <= 0xff) {
                out.append(String.format("\\x%02x", c));
              } else if (c <= 0xffff) {
                out.append(String.format("\\u%04x", c));
              } else {
                out.append(String.format("\\U%08x", c));
              }
            });
    out.append(quote);
  }

  /** Python's {@code str.isprintable} for one code point. */
  private static boolean isPrintable(int c) {
    if (c == ' ') {
      return true;
    }
    return switch (Character.getType(c)) {
      case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE,
          Character.UNASSIGNED, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
          Character.SPACE_SEPARATOR -> false;
      default -> true;
    };
  }

  /**
   * Python's {@code repr(float)}: the shortest digits that read back as the same double, positional
   * for exponents from -4 to 15, else scientific ({@code 1e-05}, {@code 1.5e+16}).
   */
  public static String floatRepr(double value) {
    if (Double.isNaN(value)) {
      return "nan";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "inf" : "-inf";
    }
    if (value == 0) {
      return 1 / value < 0 ? "-0.0" : "0.0";
    }
    BigDecimal decimal = new BigDecimal(Double.toString(value)).stripTrailingZeros();
    String digits = decimal.unscaledValue().abs().toString();
    int exponent = digits.length() - 1 - decimal.scale();
    String sign = value < 0 ? "-" : "";
    if (exponent < -4 || exponent >= 16) {
      String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
      String exponentText = String.format("%02d", Math.abs(exponent));
      return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + exponentText;
    }
    String plain = decimal.abs().toPlainString();
    return sign + (plain.contains(".") ? plain : plain + ".0");
  }

  /** Python's {@code int(value)} for the whole numbers a template may pass as an index or count. */
  static Integer index(Object value, String what) {
    if (value == null) {
      return null;
    }
    if (value instanceof Long || value instanceof Integer || value instanceof Short
        || value instanceof Byte || value instanceof BigInteger) {
      return ((Number) value).intValue();
    }
    throw new IllegalArgumentException(what + " must be an integer or None, not " + typeName(value));
  }

  /** Python's type name of a value, for error messages. */
  static String typeName(Object value) {
    if (value == null) {
      return "NoneType";
    }
    if (value instanceof Boolean) {
      return "bool";
    }
    if (value instanceof String || value instanceof SafeString) {
      return "str";
    }
    if (value instanceof Double || value instanceof Float || value instanceof BigDecimal) {
      return "float";
    }
    if (value instanceof Number) {
      return "int";
    }
    if (value instanceof PyTuple) {
      return "tuple";
    }
    if (value instanceof Map) {
      return "dict";
    }
    if (value instanceof Collection || value.getClass().isArray()) {
      return "list";
    }
    return value.getClass().getSimpleName();
  }

  /**
   * What {@code for x in value} iterates over, as Python does: a list's items, a dict's keys, a
   * string's characters.
   *
   * @throws IllegalArgumentException if the value is not iterable (none, numbers, booleans)
   */
  static List<Object> iterate(Object value) {
    if (value instanceof Map<?, ?> map) {
      return new ArrayList<>(map.keySet());
    }
    if (value instanceof Collection<?> items) {
      return new ArrayList<>(items);
    }
    if (value instanceof String || value instanceof SafeString) {
      List<Object> characters = new ArrayList<>();
      value.toString().codePoints().forEach(c -> characters.add(new String(Character.toChars(c))));
      return characters;
    }
    if (value instanceof Object[] array) {
      return new ArrayList<>(Arrays.asList(array));
    }
    if (value instanceof Iterable<?> iterable) {
      List<Object> items = new ArrayList<>();
      iterable.forEach(items::add);
      return items;
    }
    throw new IllegalArgumentException("'" + typeName(value) + "' object is not iterable");
  }
}

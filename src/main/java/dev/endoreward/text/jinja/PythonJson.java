package dev.endoreward.text.jinja;

import com.hubspot.jinjava.objects.SafeString;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Python's {@code json.dumps(value, ensure_ascii=..., indent=..., separators=..., sort_keys=...)},
 * byte for byte: {@code ", "} and {@code ": "} separators ({@code ","} between items when
 * indenting), floats as Python writes them, {@code \\uXXXX} escapes in lower case.
 */
final class PythonJson {
  private final boolean ensureAscii;
  private final String indent;
  private final String itemSeparator;
  private final String keySeparator;
  private final boolean sortKeys;

  /**
   * @param indent null for one line, else the text of one indentation level
   * @param separators {@code (item, key)} separators, or null for the defaults
   */
  PythonJson(boolean ensureAscii, String indent, List<String> separators, boolean sortKeys) {
    this.ensureAscii = ensureAscii;
    this.indent = indent;
    this.itemSeparator = separators != null ? separators.get(0) : indent == null ? ", " : ",";
    this.keySeparator = separators != null ? separators.get(1) : ": ";
    this.sortKeys = sortKeys;
  }

  String dumps(Object value) {
    StringBuilder out = new StringBuilder();
    write(out, value, 0);
    return out.toString();
  }

  private void write(StringBuilder out, Object value, int level) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof Boolean b) {
      out.append(b ? "true" : "false");
    } else if (value instanceof String || value instanceof SafeString || value instanceof Character) {
      writeString(out, value.toString());
    } else if (value instanceof Double || value instanceof Float || value instanceof BigDecimal) {
      out.append(floatText(((Number) value).doubleValue()));
    } else if (value instanceof Number) {
      out.append(value);
    } else if (value instanceof Map<?, ?> map) {
      writeObject(out, map, level);
    } else if (value instanceof Collection<?> items) {
      writeArray(out, items, level);
    } else if (value instanceof Object[] array) {
      writeArray(out, java.util.Arrays.asList(array), level);
    } else {
      throw new IllegalArgumentException("Object of type " + PythonValues.typeName(value)
          + " is not JSON serializable");
    }
  }

  private void writeArray(StringBuilder out, Collection<?> items, int level) {
    if (items.isEmpty()) {
      out.append("[]");
      return;
    }
    out.append('[');
    boolean first = true;
    for (Object item : items) {
      if (!first) {
        out.append(itemSeparator);
      }
      newline(out, level + 1);
      first = false;
      write(out, item, level + 1);
    }
    newline(out, level);
    out.append(']');
  }

  private void writeObject(StringBuilder out, Map<?, ?> map, int level) {
    if (map.isEmpty()) {
      out.append("{}");
      return;
    }
    List<Map.Entry<String, Object>> entries = new ArrayList<>();
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      entries.add(Map.entry(key(entry.getKey()), entry.getValue() == null ? NULL : entry.getValue()));
    }
    if (sortKeys) {
      entries.sort(Map.Entry.comparingByKey(Comparator.naturalOrder()));
    }
    out.append('{');
    boolean first = true;
    for (Map.Entry<String, Object> entry : entries) {
      if (!first) {
        out.append(itemSeparator);
      }
      newline(out, level + 1);
      first = false;
      writeString(out, entry.getKey());
      out.append(keySeparator);
      write(out, entry.getValue() == NULL ? null : entry.getValue(), level + 1);
    }
    newline(out, level);
    out.append('}');
  }

  private static final Object NULL = new Object();

  /** A dict key as json.dumps writes it: strings as they are, numbers, booleans and none as text. */
  private static String key(Object key) {
    if (key instanceof String || key instanceof SafeString) {
      return key.toString();
    }
    if (key == null) {
      return "null";
    }
    if (key instanceof Boolean b) {
      return b ? "true" : "false";
    }
    if (key instanceof Double || key instanceof Float || key instanceof BigDecimal) {
      return floatText(((Number) key).doubleValue());
    }
    if (key instanceof Number) {
      return key.toString();
    }
    throw new IllegalArgumentException("keys must be str, int, float, bool or None, not "
        + PythonValues.typeName(key));
  }

  private static String floatText(double value) {
    if (Double.isNaN(value)) {
      return "NaN";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "Infinity" : "-Infinity";
    }
    return PythonValues.floatRepr(value);
  }

  private void newline(StringBuilder out, int level) {
    if (indent != null) {
      out.append('\n');
      out.append(indent.repeat(level));
    }
  }

  private void writeString(StringBuilder out, String text) {
    out.append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20 || (ensureAscii && c > 0x7e)) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}

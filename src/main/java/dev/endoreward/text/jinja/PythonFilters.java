package dev.endoreward.text.jinja;

import com.hubspot.jinjava.interpret.InvalidInputException;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.objects.SafeString;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The filters whose Jinjava versions differ from jinja2's (or transformers') in what chat templates
 * see: {@code tojson} (transformers' {@code json.dumps}), {@code items}, {@code trim} (Python's
 * {@code strip}), {@code length}/{@code count} (code points), {@code string} and {@code join}
 * (Python's {@code str()}).
 */
final class PythonFilters {
  private PythonFilters() {}

  static List<Filter> all() {
    return List.of(new ToJson(), new Items(), new Trim(), new Length("length"), new Length("count"),
        new StringFilter(), new Join());
  }

  /** A filter with Python-style arguments; Jinjava's string-only entry point is not used. */
  private abstract static class PythonFilter implements Filter {
    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
      return filter(var, interpreter, (Object[]) args, Map.of());
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
      try {
        return apply(var, new Arguments(List.of(args), kwargs));
      } catch (IllegalArgumentException e) {
        throw new InvalidInputException(interpreter, getName(), e.getMessage());
      }
    }

    abstract Object apply(Object value, Arguments args);
  }

  /** transformers' {@code tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False)}. */
  static final class ToJson extends PythonFilter {
    @Override
    public String getName() {
      return "tojson";
    }

    @Override
    Object apply(Object value, Arguments args) {
      boolean ensureAscii = PythonValues.truthy(args.get(0, "ensure_ascii", false));
      Object indent = args.get(1, "indent", null);
      String indentText = indent == null ? null
          : indent instanceof String s ? s
          : " ".repeat(Math.max(0, PythonValues.index(indent, "indent")));
      Object separators = args.get(2, "separators", null);
      List<String> separatorTexts = null;
      if (separators != null) {
        List<Object> pair = PythonValues.iterate(separators);
        if (pair.size() != 2 || !(pair.get(0) instanceof String) || !(pair.get(1) instanceof String)) {
          throw new IllegalArgumentException("separators must be an (item_separator, key_separator) pair");
        }
        separatorTexts = List.of((String) pair.get(0), (String) pair.get(1));
      }
      boolean sortKeys = PythonValues.truthy(args.get(3, "sort_keys", false));
      return new PythonJson(ensureAscii, indentText, separatorTexts, sortKeys).dumps(value);
    }
  }

  /** jinja2's {@code items}: a mapping's (key, value) pairs; undefined gives none. */
  static final class Items extends PythonFilter {
    @Override
    public String getName() {
      return "items";
    }

    @Override
    Object apply(Object value, Arguments args) {
      List<Object> pairs = new ArrayList<>();
      if (value == null) {
        return pairs;
      }
      if (!(value instanceof Map<?, ?> map)) {
        throw new IllegalArgumentException("Can only get item pairs from a mapping.");
      }
      map.forEach((key, item) -> pairs.add(new PyTuple(key, item)));
      return pairs;
    }
  }

  /** jinja2's {@code trim(chars=None)}: Python's {@code str(value).strip(chars)}. */
  static final class Trim extends PythonFilter {
    @Override
    public String getName() {
      return "trim";
    }

    @Override
    Object apply(Object value, Arguments args) {
      return PythonStrings.strip(PythonValues.str(value), args.string(0, "chars", null), true, true);
    }
  }

  /** {@code length} (alias {@code count}): Python's {@code len}, which counts a string's code points. */
  static final class Length extends PythonFilter {
    private final String name;

    Length(String name) {
      this.name = name;
    }

    @Override
    public String getName() {
      return name;
    }

    @Override
    Object apply(Object value, Arguments args) {
      if (value == null) {
        return 0;
      }
      if (value instanceof String || value instanceof SafeString) {
        return PythonStrings.length(value.toString());
      }
      if (value instanceof Collection<?> items) {
        return items.size();
      }
      if (value instanceof Map<?, ?> map) {
        return map.size();
      }
      if (value instanceof Object[] array) {
        return array.length;
      }
      throw new IllegalArgumentException("object of type '" + PythonValues.typeName(value) + "' has no len()");
    }
  }

  /** {@code string}: Python's {@code str(value)}. */
  static final class StringFilter extends PythonFilter {
    @Override
    public String getName() {
      return "string";
    }

    @Override
    Object apply(Object value, Arguments args) {
      return PythonValues.str(value);
    }
  }

  /** jinja2's {@code join(d='', attribute=None)}, with Python's {@code str()} of each item. */
  static final class Join extends PythonFilter {
    @Override
    public String getName() {
      return "join";
    }

    @Override
    Object apply(Object value, Arguments args) {
      if (value == null) {
        return "";
      }
      String separator = PythonValues.str(args.get(0, "d", ""));
      Object attribute = args.get(1, "attribute", null);
      StringBuilder out = new StringBuilder();
      boolean first = true;
      for (Object item : PythonValues.iterate(value)) {
        if (!first) {
          out.append(separator);
        }
        first = false;
        Object shown = attribute != null && item instanceof Map<?, ?> map ? map.get(attribute.toString()) : item;
        out.append(shown == null ? "None" : PythonValues.str(shown));
      }
      return out.toString();
    }
  }
}

package dev.endoreward.text.jinja;

import com.hubspot.jinjava.el.ext.NamedParameter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The arguments of a call from a template: positional ones, then keyword ones ({@code sep=','}). */
final class Arguments {
  private final List<Object> positional;
  private final Map<String, Object> named;

  Arguments(List<Object> positional, Map<String, Object> named) {
    this.positional = positional;
    this.named = named;
  }

  /** Splits the parameters of an EL method call, where keyword arguments are {@link NamedParameter}s. */
  static Arguments of(Object[] params) {
    List<Object> positional = new ArrayList<>();
    Map<String, Object> named = new LinkedHashMap<>();
    if (params != null) {
      for (Object param : params) {
        if (param instanceof NamedParameter parameter) {
          named.put(parameter.getName(), parameter.getValue());
        } else {
          positional.add(param);
        }
      }
    }
    return new Arguments(positional, named);
  }

  /** The argument at {@code position} or named {@code name}, else {@code fallback}. */
  Object get(int position, String name, Object fallback) {
    if (position < positional.size()) {
      return positional.get(position);
    }
    return named.getOrDefault(name, fallback);
  }

  String string(int position, String name, String fallback) {
    Object value = get(position, name, fallback);
    if (value != null && !(value instanceof String)) {
      throw new IllegalArgumentException(name + " must be str or None, not " + PythonValues.typeName(value));
    }
    return (String) value;
  }

  String requiredString(int position, String name) {
    Object value = get(position, name, null);
    if (!(value instanceof String text)) {
      throw new IllegalArgumentException(name + " must be str, not " + PythonValues.typeName(value));
    }
    return text;
  }

  Integer integer(int position, String name, Integer fallback) {
    Object value = get(position, name, fallback);
    return PythonValues.index(value, name);
  }
}

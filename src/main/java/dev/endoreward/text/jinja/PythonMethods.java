package dev.endoreward.text.jinja;

import com.hubspot.jinjava.objects.SafeString;
import java.beans.FeatureDescriptor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELException;
import jinjava.javax.el.ELResolver;

/**
 * Method calls and subscripts with Python's semantics, ahead of Jinjava's own resolvers:
 * {@code str} methods ({@code startswith}, {@code split}, {@code strip}...), {@code dict.items()},
 * {@code keys()}, {@code values()} and {@code get()}, {@code list.index()} and {@code count()},
 * string indexing by code point, and slices ({@code x[a:b:c]}, which {@link PythonSyntax} turns into a
 * call of {@link #SLICE}). Methods that change a list or dict fail, as in transformers'
 * {@code ImmutableSandboxedEnvironment}. Any other call goes on to Jinjava's resolvers.
 */
final class PythonMethods extends ELResolver {
  /** The method name slices are rewritten to; not a name a template could mean. */
  static final String SLICE = "__endoreward_slice__";

  private static final Set<String> LIST_MUTATORS =
      Set.of("append", "extend", "insert", "pop", "remove", "clear", "sort", "reverse");
  private static final Set<String> DICT_MUTATORS =
      Set.of("update", "pop", "popitem", "setdefault", "clear");

  @Override
  public Object invoke(
      ELContext context, Object base, Object method, Class<?>[] paramTypes, Object[] params) {
    if (base == null || method == null) {
      return null;
    }
    String name = method.toString();
    try {
      Object result;
      if (name.equals(SLICE)) {
        Object[] bounds = params == null ? new Object[0] : params;
        result = PythonSlice.apply(text(base), at(bounds, 0), at(bounds, 1), at(bounds, 2));
      } else if (base instanceof String || base instanceof SafeString) {
        result = PythonStrings.call(base.toString(), name, Arguments.of(params));
      } else if (base instanceof Map<?, ?> map && isDictMethod(name)) {
        result = dictMethod(map, name, Arguments.of(params));
      } else if (base instanceof List<?> list && isListMethod(name)) {
        result = listMethod(list, name, Arguments.of(params));
      } else {
        return null;
      }
      context.setPropertyResolved(true);
      return result;
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      throw new ELException(e.getMessage(), e);
    }
  }

  /**
   * {@code text[i]} by code point, and undefined for any attribute of a string or list
   * ({@code text.type}), as in jinja2; list indices are left to Jinjava.
   */
  @Override
  public Object getValue(ELContext context, Object base, Object property) {
    boolean string = base instanceof String || base instanceof SafeString;
    if ((string || base instanceof List) && property != null) {
      Integer index = integer(property.toString());
      if (index != null && !string) {
        return null;
      }
      context.setPropertyResolved(true);
      return index == null ? null : PythonStrings.at(base.toString(), index);
    }
    return null;
  }

  @Override
  public Class<?> getType(ELContext context, Object base, Object property) {
    return null;
  }

  @Override
  public void setValue(ELContext context, Object base, Object property, Object value) {}

  @Override
  public boolean isReadOnly(ELContext context, Object base, Object property) {
    return true;
  }

  @Override
  public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
    return null;
  }

  @Override
  public Class<?> getCommonPropertyType(ELContext context, Object base) {
    return null;
  }

  private static Object text(Object base) {
    return base instanceof SafeString ? base.toString() : base;
  }

  private static Object at(Object[] values, int index) {
    return index < values.length ? values[index] : null;
  }

  private static boolean isDictMethod(String name) {
    return switch (name) {
      case "items", "keys", "values", "get" -> true;
      default -> DICT_MUTATORS.contains(name);
    };
  }

  private static Object dictMethod(Map<?, ?> map, String name, Arguments args) {
    switch (name) {
      case "items":
        List<Object> items = new ArrayList<>(map.size());
        map.forEach((key, value) -> items.add(new PyTuple(key, value)));
        return items;
      case "keys":
        return new ArrayList<Object>(map.keySet());
      case "values":
        return new ArrayList<Object>(map.values());
      case "get":
        Object key = args.get(0, "key", null);
        Object fallback = args.get(1, "default", null);
        return map.containsKey(key) ? map.get(key) : fallback;
      default:
        throw new IllegalArgumentException(
            "Cannot call dict." + name + ": templates may not change a dict (transformers renders"
                + " them in an immutable sandbox)");
    }
  }

  private static boolean isListMethod(String name) {
    return name.equals("index") || name.equals("count") || LIST_MUTATORS.contains(name);
  }

  private static Object listMethod(List<?> list, String name, Arguments args) {
    Object value = args.get(0, "value", null);
    switch (name) {
      case "index":
        for (int i = 0; i < list.size(); i++) {
          if (PythonValues.equal(list.get(i), value)) {
            return i;
          }
        }
        throw new IllegalArgumentException(PythonValues.repr(value) + " is not in list");
      case "count":
        return (int) ((Collection<?>) list).stream().filter(item -> PythonValues.equal(item, value)).count();
      default:
        throw new IllegalArgumentException(
            "Cannot call list." + name + ": templates may not change a list (transformers renders"
                + " them in an immutable sandbox)");
    }
  }

  private static Integer integer(String text) {
    if (text.isEmpty() || text.length() > 9) {
      return null;
    }
    int start = text.charAt(0) == '-' ? 1 : 0;
    if (start == text.length()) {
      return null;
    }
    for (int i = start; i < text.length(); i++) {
      if (!Character.isDigit(text.charAt(i)) || text.charAt(i) > '9') {
        return null;
      }
    }
    return Integer.valueOf(text);
  }
}

package dev.endoreward.text.jinja;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.exptest.ExpTest;
import com.hubspot.jinjava.objects.SafeString;
import java.util.List;
import java.util.Map;

/** The tests whose Jinjava versions differ from jinja2's: strings are iterable sequences in Python. */
final class PythonTests {
  private PythonTests() {}

  static List<ExpTest> all() {
    return List.of(new Iterable("iterable"), new Iterable("sequence"));
  }

  /** {@code iterable} and {@code sequence}: strings, lists, tuples and dicts. */
  static final class Iterable implements ExpTest {
    private final String name;

    Iterable(String name) {
      this.name = name;
    }

    @Override
    public String getName() {
      return name;
    }

    @Override
    public boolean evaluate(Object var, JinjavaInterpreter interpreter, Object... args) {
      return var instanceof String || var instanceof SafeString || var instanceof java.lang.Iterable
          || var instanceof Map || (var != null && var.getClass().isArray());
    }
  }
}

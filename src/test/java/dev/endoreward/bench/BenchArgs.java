package dev.endoreward.bench;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** {@code --name value} command-line options of a benchmark main, with defaults and no unknown names. */
public final class BenchArgs {
  private final Map<String, String> values = new HashMap<>();

  public BenchArgs(String[] args, Set<String> known) {
    if (args.length % 2 != 0) {
      throw new IllegalArgumentException("Cannot parse the arguments: expected --name value pairs, got "
          + String.join(" ", args));
    }
    for (int i = 0; i < args.length; i += 2) {
      String name = args[i].startsWith("--") ? args[i].substring(2) : null;
      if (name == null || !known.contains(name)) {
        throw new IllegalArgumentException("Cannot use the option '" + args[i] + "': known options are --"
            + String.join(", --", known));
      }
      values.put(name, args[i + 1]);
    }
  }

  String required(String name) {
    String value = values.get(name);
    if (value == null) {
      throw new IllegalArgumentException("Cannot run the benchmark: --" + name + " is required");
    }
    return value;
  }

  public String text(String name, String defaultValue) {
    return values.getOrDefault(name, defaultValue);
  }

  public int integer(String name, int defaultValue) {
    String value = values.get(name);
    try {
      return value == null ? defaultValue : Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Cannot read --" + name + " '" + value + "': not a whole number", e);
    }
  }

  boolean bool(String name, boolean defaultValue) {
    String value = values.get(name);
    if (value == null) {
      return defaultValue;
    }
    if (!value.equals("true") && !value.equals("false")) {
      throw new IllegalArgumentException("Cannot read --" + name + " '" + value + "': expected true or false");
    }
    return Boolean.parseBoolean(value);
  }
}

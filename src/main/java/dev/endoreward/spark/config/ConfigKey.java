package dev.endoreward.spark.config;

import dev.endoreward.Rule;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * One configuration key of a job: its name, documentation, type, default and rule. The constants of
 * {@link ScoreKeys} (and of the curation commands' key lists) are the only instances; {@link #parse} is the
 * only way a written value becomes a typed one.
 *
 * @param <T> the type of the key's value
 */
public final class ConfigKey<T> {
  private static final Pattern WHOLE_NUMBER = Pattern.compile("[+-]?\\d{1,10}");
  private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

  private final String name;
  private final String doc;
  private final Function<String, T> parser;
  private final Function<T, String> writer;
  private final T defaultValue;
  private final Rule<T> rule;
  private final String howToSet;
  private final Spelling spelling;

  /** How a written value is read before parsing. */
  private enum Spelling {
    /** Trimmed; empty means the default. */
    TRIMMED,
    /** Trimmed; empty means unset, even where there is a default. */
    TEXT,
    /** As written; empty means unset. */
    VERBATIM
  }

  private ConfigKey(String name, String doc, Function<String, T> parser, Function<T, String> writer,
      T defaultValue, Rule<T> rule, String howToSet, Spelling spelling) {
    this.name = name;
    this.doc = doc;
    this.parser = parser;
    this.writer = writer;
    this.defaultValue = defaultValue;
    this.rule = rule;
    this.howToSet = howToSet;
    this.spelling = spelling;
  }

  /** A text key that must be set; {@code howToSet} completes "pass ... or set &lt;key&gt;", e.g. "--model &lt;dir&gt;". */
  public static ConfigKey<String> requiredText(String name, String doc, String howToSet, Rule<String> rule) {
    return new ConfigKey<>(name, doc, Function.identity(), Function.identity(), null, rule, howToSet, Spelling.TEXT);
  }

  /** A text key, trimmed; {@code defaultValue} may be null for a key that is unset by default. */
  public static ConfigKey<String> text(String name, String doc, String defaultValue) {
    return new ConfigKey<>(name, doc, Function.identity(), Function.identity(), defaultValue, null, null, Spelling.TEXT);
  }

  /** A text key kept exactly as written, spaces and line breaks included; unset by default. */
  public static ConfigKey<String> verbatimText(String name, String doc) {
    return new ConfigKey<>(name, doc, Function.identity(), Function.identity(), null, null, null, Spelling.VERBATIM);
  }

  public static ConfigKey<Integer> wholeNumber(String name, String doc, int defaultValue, Rule<Integer> rule) {
    return new ConfigKey<>(name, doc, text -> {
      if (WHOLE_NUMBER.matcher(text).matches()) {
        long value = Long.parseLong(text);
        if (value == (int) value) {
          return (int) value;
        }
      }
      throw new IllegalArgumentException("expected a whole number");
    }, String::valueOf, defaultValue, rule, null, Spelling.TRIMMED);
  }

  public static ConfigKey<Double> decimal(String name, String doc, double defaultValue, Rule<Double> rule) {
    return new ConfigKey<>(name, doc, text -> {
      if (!DECIMAL.matcher(text).matches()) {
        throw new IllegalArgumentException("expected a decimal number");
      }
      return Double.parseDouble(text);
    }, String::valueOf, defaultValue, rule, null, Spelling.TRIMMED);
  }

  public static ConfigKey<Boolean> bool(String name, String doc, boolean defaultValue) {
    return new ConfigKey<>(name, doc, text -> switch (text.toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException("use true or false");
    }, String::valueOf, defaultValue, null, null, Spelling.TRIMMED);
  }

  /** One of an enum's values, written lower case with hyphens ({@code error-if-exists}), ignoring case. */
  public static <E extends Enum<E>> ConfigKey<E> choice(String name, String doc, Class<E> type, E defaultValue) {
    return new ConfigKey<>(name, doc, text -> ConfigText.parse(text, type), ConfigText::of, defaultValue, null, null,
        Spelling.TRIMMED);
  }

  /** A value of a type with its own written form: {@code parser} fails with the reason, {@code writer} inverts it. */
  public static <T> ConfigKey<T> written(String name, String doc, Function<String, T> parser, Function<T, String> writer,
      T defaultValue) {
    return new ConfigKey<>(name, doc, parser, writer, defaultValue, null, null, Spelling.TRIMMED);
  }

  public String name() {
    return name;
  }

  /** One line for readers of the configuration. */
  public String doc() {
    return doc;
  }

  /** The value when the key is absent, or null when it has none. */
  public T defaultValue() {
    return defaultValue;
  }

  public boolean isRequired() {
    return howToSet != null;
  }

  /**
   * The value of a key as written, or its default when {@code written} is null (absent). A text key that
   * is present but empty is unset (null); any other empty key takes its default.
   *
   * @throws ConfigException "Cannot set &lt;key&gt; to '&lt;text&gt;': &lt;why&gt;" for a value that does not
   *     parse or breaks the key's rule, or "Cannot score without &lt;key&gt;" for a required key left unset
   */
  public T parse(String written) {
    String text = written == null || spelling == Spelling.VERBATIM ? written : written.strip();
    T value;
    if (text == null) {
      value = defaultValue;
    } else if (text.isEmpty()) {
      value = spelling == Spelling.TRIMMED ? defaultValue : null;
    } else {
      try {
        value = parser.apply(text);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(name, "Cannot set " + name + " to '" + text + "': " + e.getMessage());
      }
    }
    if (value == null && isRequired()) {
      throw new ConfigException(name, "Cannot score without " + name + ": pass " + howToSet + " or set " + name);
    }
    if (value != null && rule != null && !rule.accepts(value)) {
      throw new ConfigException(name, "Cannot set " + name + " to '" + (text == null ? write(value) : text) + "': "
          + rule.violation());
    }
    return value;
  }

  /** The canonical written form of a value; the empty text for null (unset). */
  public String write(T value) {
    return value == null ? "" : writer.apply(value);
  }

  @Override
  public String toString() {
    return name;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ConfigKey<?> key && key.name.equals(name);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name);
  }
}

package dev.endoreward.spark.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;

/**
 * Collects configuration values from layers, each overriding the ones added before it, then validates
 * them into a {@link ScoreConfig}. The {@code score} command adds, in order: a properties file,
 * {@code key=value} assignments, then its explicit flags. A refused value is reported with where it came
 * from: the file and line, or the assignment.
 */
public final class ScoreConfigBuilder {
  private final Map<String, String> values = new LinkedHashMap<>();
  private final Map<String, String> origins = new HashMap<>();

  /**
   * Adds every entry of a {@link Properties} file read as UTF-8.
   *
   * @throws IllegalArgumentException when the file cannot be read or parsed, or gives a key twice
   */
  public ScoreConfigBuilder withFile(Path file) {
    List<String> lines;
    Properties properties = new UniqueKeyProperties(file);
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(reader);
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("Cannot read config file " + file + ": it does not exist", e);
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException("Cannot read config file " + file + ": " + e.getMessage(), e);
    }
    for (String key : properties.stringPropertyNames()) {
      values.put(key, properties.getProperty(key));
      int line = PropertiesLines.lineOf(lines, key, 1);
      origins.put(key, file + (line > 0 ? ", line " + line : ""));
    }
    return this;
  }

  /**
   * Adds {@code key=value} assignments; the value is everything after the first {@code =}, and may be
   * empty to unset an optional key.
   *
   * @throws IllegalArgumentException for an assignment without {@code =} or without a key
   */
  public ScoreConfigBuilder withAssignments(List<String> assignments) {
    for (String assignment : assignments) {
      int equals = assignment.indexOf('=');
      if (equals <= 0 || assignment.substring(0, equals).isBlank()) {
        throw new IllegalArgumentException(
            "Cannot parse the assignment '" + assignment + "': expected key=value, e.g. reward.alpha=0.5");
      }
      String key = assignment.substring(0, equals).strip();
      values.put(key, assignment.substring(equals + 1));
      origins.put(key, "--set " + assignment);
    }
    return this;
  }

  /** Sets one key, unless {@code value} is null (a flag that was not given). */
  public ScoreConfigBuilder with(ConfigKey<?> key, String value) {
    if (value != null) {
      values.put(key.name(), value);
      origins.remove(key.name());
    }
    return this;
  }

  /**
   * Validates the collected values.
   *
   * @throws IllegalArgumentException "Cannot ..." naming the first unknown key or bad value, and where it
   *     was given
   */
  public ScoreConfig build() {
    return build(ScoreConfig::fromMap);
  }

  /**
   * Validates the collected values with another job's {@code parser}, which reports a refused value as a
   * {@link ConfigException}; the curation commands share these layers.
   *
   * @throws IllegalArgumentException "Cannot ..." naming the first unknown key or bad value, and where it
   *     was given
   */
  public <T> T build(Function<Map<String, String>, T> parser) {
    try {
      return parser.apply(values);
    } catch (ConfigException e) {
      String origin = origins.get(e.key());
      if (origin == null) {
        throw e;
      }
      throw new IllegalArgumentException(e.getMessage() + " (" + origin + ")", e);
    }
  }

  /** Properties that refuse a key given twice, where {@link Properties} would silently keep the last. */
  private static final class UniqueKeyProperties extends Properties {
    private final transient Path file;

    UniqueKeyProperties(Path file) {
      this.file = file;
    }

    @Override
    public synchronized Object put(Object key, Object value) {
      if (containsKey(key)) {
        int line = lineOfSecond(String.valueOf(key));
        throw new IllegalArgumentException("key " + key + " is given twice" + (line > 0 ? ", again on line " + line
            : "") + "; keep one");
      }
      return super.put(key, value);
    }

    private int lineOfSecond(String key) {
      try {
        return PropertiesLines.lineOf(Files.readAllLines(file, StandardCharsets.UTF_8), key, 2);
      } catch (IOException e) {
        return -1;
      }
    }
  }
}

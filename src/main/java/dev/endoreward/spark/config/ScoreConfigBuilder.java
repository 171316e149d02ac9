package dev.endoreward.spark.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Collects configuration values from layers, each overriding the ones added before it, then validates
 * them into a {@link ScoreConfig}. The {@code score} command adds, in order: a properties file,
 * {@code key=value} assignments, then its explicit flags.
 */
public final class ScoreConfigBuilder {
  private final Map<String, String> values = new LinkedHashMap<>();

  /**
   * Adds every entry of a {@link Properties} file read as UTF-8.
   *
   * @throws IllegalArgumentException when the file cannot be read or parsed
   */
  public ScoreConfigBuilder withFile(Path file) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(reader);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("Cannot read config file " + file + ": it does not exist", e);
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException("Cannot read config file " + file + ": " + e.getMessage(), e);
    }
    properties.stringPropertyNames().forEach(key -> values.put(key, properties.getProperty(key)));
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
      values.put(assignment.substring(0, equals).strip(), assignment.substring(equals + 1));
    }
    return this;
  }

  /** Sets one key, unless {@code value} is null (a flag that was not given). */
  public ScoreConfigBuilder with(String key, String value) {
    if (value != null) {
      values.put(key, value);
    }
    return this;
  }

  /**
   * Validates the collected values.
   *
   * @throws IllegalArgumentException "Cannot ..." naming the first unknown key or bad value
   */
  public ScoreConfig build() {
    return ScoreConfig.fromMap(values);
  }
}

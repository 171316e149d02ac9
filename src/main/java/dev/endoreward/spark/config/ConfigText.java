package dev.endoreward.spark.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The written form of enum values in configuration: lower case with hyphens ({@code error-if-exists}). */
final class ConfigText {
  private ConfigText() {}

  static String of(Enum<?> value) {
    return value.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /**
   * Parses the written form of one of {@code type}'s values, ignoring case.
   *
   * @throws IllegalArgumentException "use one of ..." naming the choices
   */
  static <E extends Enum<E>> E parse(String text, Class<E> type) {
    for (E value : type.getEnumConstants()) {
      if (of(value).equalsIgnoreCase(text)) {
        return value;
      }
    }
    String choices = Arrays.stream(type.getEnumConstants()).map(ConfigText::of).collect(Collectors.joining(", "));
    throw new IllegalArgumentException("use one of " + choices);
  }
}

package dev.endoreward.spark.config;

import java.util.List;

/**
 * Finds where a key is written in a properties file, for messages. It reads the common form only, a key
 * at the start of a line followed by {@code =}, {@code :} or a space; keys written with escapes or on
 * continued lines are not found.
 */
final class PropertiesLines {
  private PropertiesLines() {}

  /**
   * The 1-based line of the {@code occurrence}-th assignment of {@code key}, or -1 when not found.
   *
   * @param lines the file's lines
   */
  static int lineOf(List<String> lines, String key, int occurrence) {
    int seen = 0;
    boolean continued = false;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).stripLeading();
      boolean comment = !continued && (line.startsWith("#") || line.startsWith("!"));
      boolean startsEntry = !continued && !comment;
      continued = !comment && endsWithOddBackslashes(lines.get(i));
      if (startsEntry && line.startsWith(key) && (line.length() == key.length()
          || "=: \t\f".indexOf(line.charAt(key.length())) >= 0) && ++seen == occurrence) {
        return i + 1;
      }
    }
    return -1;
  }

  private static boolean endsWithOddBackslashes(String line) {
    int count = 0;
    for (int i = line.length() - 1; i >= 0 && line.charAt(i) == '\\'; i--) {
      count++;
    }
    return count % 2 == 1;
  }
}

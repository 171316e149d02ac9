package dev.endoreward.spark.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The shipped properties file and the README's key table stay in step with the code. */
class TestShippedConfiguration {
  private static final Path PROJECT = Path.of(System.getProperty("user.dir"));
  private static final Path SHIPPED = PROJECT.resolve("conf/score.properties");
  private static final Path README = PROJECT.resolve("README.md");
  private static final List<String> REQUIRED =
      List.of(ScoreKeys.MODEL_PATH.name(), ScoreKeys.INPUT_PATH.name(), ScoreKeys.OUTPUT_PATH.name());
  private static final Pattern ASSIGNMENT = Pattern.compile("^([a-z][a-z.-]*)=(.*)$");
  private static final Pattern TABLE_ROW = Pattern.compile("^\\| `([a-z.-]+)` \\| ([^|]+) \\|");

  private static ScoreConfig defaults() {
    return new ScoreConfigBuilder()
        .with(ScoreKeys.MODEL_PATH, "/m").with(ScoreKeys.INPUT_PATH, "/i").with(ScoreKeys.OUTPUT_PATH, "/o")
        .build();
  }

  @Test
  void shippedFileListsEveryKeyOnceInDocumentationOrder() throws IOException {
    List<String> keys = new ArrayList<>();
    for (String line : Files.readAllLines(SHIPPED)) {
      Matcher assignment = ASSIGNMENT.matcher(line);
      if (assignment.matches()) {
        keys.add(assignment.group(1));
      }
    }

    assertThat(keys).containsExactlyElementsOf(ScoreKeys.names());
  }

  @Test
  void shippedFileParsesToTheDefaults() {
    ScoreConfig shipped = new ScoreConfigBuilder()
        .withFile(SHIPPED)
        .with(ScoreKeys.MODEL_PATH, "/m").with(ScoreKeys.INPUT_PATH, "/i").with(ScoreKeys.OUTPUT_PATH, "/o")
        .build();

    assertThat(shipped).isEqualTo(defaults());
  }

  @Test
  void shippedFileLeavesTheRequiredKeysEmpty() throws IOException {
    assertThat(Files.readAllLines(SHIPPED)).contains("model.path=", "input.path=", "output.path=");
  }

  @Test
  void documentationTableListsEveryKeyWithItsDefault() throws IOException {
    Map<String, String> documented = new LinkedHashMap<>();
    for (String line : configurationSection()) {
      Matcher row = TABLE_ROW.matcher(line);
      if (row.find()) {
        documented.put(row.group(1), row.group(2).strip());
      }
    }
    Map<String, String> expected = new LinkedHashMap<>();
    Map<String, String> canonical = defaults().asMap();
    for (String key : ScoreKeys.names()) {
      String value = canonical.get(key);
      expected.put(key, REQUIRED.contains(key) ? "(required)" : value.isEmpty() ? "(unset)" : "`" + value + "`");
    }

    assertThat(documented).containsExactlyEntriesOf(expected);
  }

  /** The README's "Configuration" section: from its heading to the next second-level heading. */
  private static List<String> configurationSection() throws IOException {
    List<String> lines = Files.readAllLines(README);
    int start = lines.indexOf("## Configuration");
    assertThat(start).as("README.md has a '## Configuration' section").isNotNegative();
    int end = start + 1;
    while (end < lines.size() && !lines.get(end).startsWith("## ")) {
      end++;
    }
    return lines.subList(start, end);
  }
}

package dev.endoreward.curate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.endoreward.spark.config.ConfigKey;
import dev.endoreward.spark.config.ScoreConfigBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The curation commands' keys, their shipped conf files and README tables, and the refused settings. */
class TestCurationConfiguration {
  private static final Path PROJECT = Path.of(System.getProperty("user.dir"));
  private static final Pattern ASSIGNMENT = Pattern.compile("^([a-z][a-z.-]*)=(.*)$");
  private static final Pattern KEY_ROW = Pattern.compile("^\\| `([a-z-]+\\.[a-z.-]+)` \\| ([^|]+) \\|");
  private static final Map<String, List<ConfigKey<?>>> COMMANDS = Map.of("filter", CurateKeys.FILTER,
      "best-of-n", CurateKeys.BEST_OF_N, "pairs", CurateKeys.PAIRS, "offline-rl", CurateKeys.OFFLINE_RL);

  @TempDir
  Path dir;

  private static FilterConfig filter(String... assignments) {
    List<String> all = new ArrayList<>(List.of("input.path=/in", "output.path=/out"));
    all.addAll(List.of(assignments));
    return new ScoreConfigBuilder().withAssignments(all).build(FilterConfig::fromMap);
  }

  @ParameterizedTest
  @ValueSource(strings = {"filter", "best-of-n", "pairs", "offline-rl"})
  void shippedFileListsEveryKeyWithItsDefault(String command) throws IOException {
    Map<String, String> shipped = new LinkedHashMap<>();
    for (String line : Files.readAllLines(PROJECT.resolve("conf/" + command + ".properties"))) {
      Matcher assignment = ASSIGNMENT.matcher(line);
      if (assignment.matches()) {
        shipped.put(assignment.group(1), assignment.group(2));
      }
    }
    Map<String, String> expected = new LinkedHashMap<>();
    for (ConfigKey<?> key : COMMANDS.get(command)) {
      expected.put(key.name(), written(key));
    }

    assertThat(shipped).containsExactlyEntriesOf(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"filter", "best-of-n", "pairs", "offline-rl"})
  void readmeTablesListEveryKeyWithItsDefault(String command) throws IOException {
    List<String> lines = Files.readAllLines(PROJECT.resolve("README.md"));
    Map<String, String> documented = new LinkedHashMap<>();
    for (String line : section(lines, "## Curation", "## ")) {
      Matcher row = KEY_ROW.matcher(line);
      if (row.find() && (row.group(1).startsWith(command + ".") || !row.group(1).matches(
          "(filter|best-of-n|pairs|offline-rl)\\..*"))) {
        documented.put(row.group(1), row.group(2).strip());
      }
    }
    Map<String, String> expected = new LinkedHashMap<>();
    for (ConfigKey<?> key : COMMANDS.get(command)) {
      String value = written(key);
      boolean required = key == CurateKeys.INPUT_PATH || key == CurateKeys.OUTPUT_PATH;
      expected.put(key.name(), required ? "(required)" : value.isEmpty() ? "(unset)" : "`" + value + "`");
    }

    assertThat(documented).containsExactlyEntriesOf(expected);
  }

  @SuppressWarnings("unchecked")
  private static String written(ConfigKey<?> key) {
    return ((ConfigKey<Object>) key).write(key.defaultValue());
  }

  private static List<String> section(List<String> lines, String heading, String next) {
    int start = lines.indexOf(heading);
    assertThat(start).as("README.md has '%s'", heading).isNotNegative();
    int end = start + 1;
    while (end < lines.size() && !lines.get(end).startsWith(next)) {
      end++;
    }
    return lines.subList(start, end);
  }

  @Test
  void shippedFileParsesToTheDefaults() {
    FilterConfig shipped = new ScoreConfigBuilder().withFile(PROJECT.resolve("conf/filter.properties"))
        .with(CurateKeys.INPUT_PATH, "/in").with(CurateKeys.OUTPUT_PATH, "/out").build(FilterConfig::fromMap);

    assertThat(shipped).isEqualTo(filter());
    assertThat(shipped.score()).isEqualTo(ScoreColumn.REWARD_MEAN);
    assertThat(shipped.threshold()).isNull();
  }

  @Test
  void refusedSettingsSayWhyAndWhere() throws IOException {
    Path file = Files.writeString(dir.resolve("job.properties"), "# a comment\nfilter.top-fraction=1.5\n");

    assertThatThrownBy(() -> new ScoreConfigBuilder().withFile(file).withAssignments(List.of("input.path=/i",
        "output.path=/o")).build(FilterConfig::fromMap))
        .hasMessage("Cannot set filter.top-fraction to '1.5': it must be in (0, 1] (" + file + ", line 2)");
    assertThatThrownBy(() -> filter("best-of-n.k=2"))
        .hasMessage("Cannot use unknown key 'best-of-n.k': conf/filter.properties lists every key of filter"
            + " (--set best-of-n.k=2)");
    assertThatThrownBy(() -> filter("filter.threshold=1", "filter.top-fraction=0.5"))
        .hasMessage("Cannot set both filter.threshold and filter.top-fraction: keep one (--set filter.top-fraction=0.5)");
    assertThatThrownBy(() -> filter("filter.min-response-tokens=5", "filter.max-response-tokens=3"))
        .hasMessage("Cannot set filter.max-response-tokens to '3': it must be at least filter.min-response-tokens (5),"
            + " or every row is dropped (--set filter.max-response-tokens=3)");
    assertThatThrownBy(() -> filter("output.mode=append"))
        .hasMessage("Cannot set output.mode to 'append': filter writes its output whole; use error-if-exists or"
            + " overwrite (--set output.mode=append)");
    assertThatThrownBy(() -> filter("filter.normalise=softmax"))
        .hasMessage("Cannot set filter.normalise to 'softmax': use one of none, z-score, rank, mean-difference"
            + " (--set filter.normalise=softmax)");
  }

  @Test
  void missingInputNamesTheFlag() {
    Function<Map<String, String>, PairsConfig> parser = PairsConfig::fromMap;

    assertThatThrownBy(() -> new ScoreConfigBuilder().withAssignments(List.of("output.path=/o")).build(parser))
        .hasMessage("Cannot build pairs without input.path: pass --input <score output> or set input.path");
  }
}

package dev.endoreward.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.endoreward.spark.config.ConfigKey;
import dev.endoreward.spark.config.ScoreConfig;
import dev.endoreward.spark.config.ScoreConfigBuilder;
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

/** {@code eval}'s keys, its shipped conf file and README table, the score keys it takes, and those it refuses. */
class TestEvalConfiguration {
  private static final Path PROJECT = Path.of(System.getProperty("user.dir"));
  private static final Pattern ASSIGNMENT = Pattern.compile("^([a-z][a-z.-]*)=(.*)$");
  private static final Pattern KEY_ROW = Pattern.compile("^\\| `([a-z-]+\\.[a-z.-]+)` \\| ([^|]+) \\|");

  private static EvalConfig eval(String... assignments) {
    List<String> all = new ArrayList<>(List.of("model.path=/models/m", "input.path=/in", "output.path=/out",
        "eval.format=rm-bench"));
    all.addAll(List.of(assignments));
    return new ScoreConfigBuilder().withAssignments(all).build(EvalConfig::fromMap);
  }

  @SuppressWarnings("unchecked")
  private static String written(ConfigKey<?> key) {
    return ((ConfigKey<Object>) key).write(key.defaultValue());
  }

  @Test
  void shippedFileListsEveryKeyWithItsDefault() throws IOException {
    Map<String, String> shipped = new LinkedHashMap<>();
    for (String line : Files.readAllLines(PROJECT.resolve("conf/eval.properties"))) {
      Matcher assignment = ASSIGNMENT.matcher(line);
      if (assignment.matches()) {
        shipped.put(assignment.group(1), assignment.group(2));
      }
    }
    Map<String, String> expected = new LinkedHashMap<>();
    EvalKeys.ALL.forEach(key -> expected.put(key.name(), written(key)));

    assertThat(shipped).containsExactlyEntriesOf(expected);
  }

  @Test
  void readmeTableListsEveryKeyWithItsDefault() throws IOException {
    List<String> lines = Files.readAllLines(PROJECT.resolve("README.md"));
    int start = lines.indexOf("## Evaluation");
    assertThat(start).as("README.md has '## Evaluation'").isNotNegative();
    Map<String, String> documented = new LinkedHashMap<>();
    for (int i = start + 1; i < lines.size() && !lines.get(i).startsWith("## "); i++) {
      Matcher row = KEY_ROW.matcher(lines.get(i));
      if (row.find()) {
        documented.put(row.group(1), row.group(2).strip());
      }
    }
    Map<String, String> expected = new LinkedHashMap<>();
    for (ConfigKey<?> key : EvalKeys.ALL) {
      String value = written(key);
      boolean required = key == EvalKeys.INPUT_PATH || key == EvalKeys.OUTPUT_PATH || key == EvalKeys.FORMAT;
      expected.put(key.name(), required ? "(required)" : "`" + value + "`");
    }

    assertThat(documented).containsExactlyEntriesOf(expected);
  }

  @Test
  void shippedFileParsesToTheDefaults() {
    EvalConfig shipped = new ScoreConfigBuilder().withFile(PROJECT.resolve("conf/eval.properties"))
        .withAssignments(List.of("model.path=/models/m", "input.path=/in", "output.path=/out", "eval.format=llmbar"))
        .build(EvalConfig::fromMap);

    assertThat(shipped.score()).isEqualTo(EvalScore.REWARD);
    assertThat(shipped.limit()).isZero();
    assertThat(shipped.format()).isEqualTo(PreferenceFormat.LLMBAR);
  }

  @Test
  void scoreKeysReachTheScoreRunWhichReadsWhatEvalWrites() {
    ScoreConfig score = eval("reward.alpha=0.5", "length.max=64", "eval.score=logprob-mean").scoreConfig();

    assertThat(score.engine().reward().alpha()).isEqualTo(0.5);
    assertThat(score.engine().maxLength()).isEqualTo(64);
    assertThat(score.engine().artefactDir()).isEqualTo("/models/m");
    assertThat(score.input().path()).isEqualTo("/out/pairs");
    assertThat(score.input().columns().messages()).isEqualTo("messages");
    assertThat(score.output().path()).isEqualTo("/out/scored-pairs");
  }

  @Test
  void refusedSettingsSayWhyAndWhere() {
    assertThatThrownBy(() -> eval("input.column.id=key"))
        .hasMessage("Cannot set input.column.id for eval: eval writes the rows it scores itself"
            + " (--set input.column.id=key)");
    assertThatThrownBy(() -> eval("pairs.mode=all"))
        .hasMessage("Cannot use unknown key 'pairs.mode': conf/eval.properties lists eval's keys, and"
            + " conf/score.properties the score keys it also takes (--set pairs.mode=all)");
    assertThatThrownBy(() -> eval("eval.score=value"))
        .hasMessage("Cannot set eval.score to 'value': use one of reward, reward-mean, logprob, logprob-mean"
            + " (--set eval.score=value)");
    assertThatThrownBy(() -> eval("eval.limit=-1"))
        .hasMessage("Cannot set eval.limit to '-1': it must be 0 (all) or more (--set eval.limit=-1)");
    assertThatThrownBy(() -> eval("output.mode=append"))
        .hasMessage("Cannot set output.mode to 'append': eval writes its output whole; use error-if-exists or"
            + " overwrite (--set output.mode=append)");
    assertThatThrownBy(() -> eval("reward.gamma=2"))
        .hasMessageStartingWith("Cannot set reward.gamma to '2': ").hasMessageEndingWith("(--set reward.gamma=2)");
    assertThatThrownBy(() -> eval("eval.format="))
        .hasMessage("Cannot evaluate without eval.format: pass --format hh-rlhf|llmbar|rewardbench|rm-bench or set"
            + " eval.format (--set eval.format=)");
    assertThatThrownBy(() -> eval("model.path="))
        .hasMessage("Cannot score without model.path: pass --model <dir> or set model.path (--set model.path=)");
  }
}

package dev.endoreward.spark.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestScoreConfigBuilder {
  @TempDir
  Path dir;

  private Path file(String text) throws IOException {
    return Files.writeString(dir.resolve("job.properties"), text, StandardCharsets.UTF_8);
  }

  @Test
  void laterLayersOverrideEarlierOnes() throws IOException {
    Path conf = file("""
        model.path=/from/file
        input.path=/in/file
        output.path=/out/file
        reward.alpha=0.25
        batch.max-rows=8
        batch.chunk-rows=16
        """);

    ScoreConfig config = new ScoreConfigBuilder()
        .withFile(conf)
        .withAssignments(List.of("batch.max-rows=4", "reward.alpha=0.5", "model.path=/from/set", "reward.alpha=0.75"))
        .with(ScoreKeys.MODEL_PATH, "/from/flag")
        .with(ScoreKeys.INPUT_PATH, null)
        .build();

    assertThat(config.model().path()).isEqualTo("/from/flag");
    assertThat(config.input().path()).isEqualTo("/in/file");
    assertThat(config.output().path()).isEqualTo("/out/file");
    assertThat(config.reward().alpha()).isEqualTo(0.75);
    assertThat(config.batch().maxRows()).isEqualTo(4);
    assertThat(config.batch().chunkRows()).isEqualTo(16);
    assertThat(config.batch().maxTokens()).isEqualTo(16384);
  }

  @Test
  void anEmptyAssignmentUnsetsWhatTheFileSet() throws IOException {
    Path conf = file("model.path=/m\ninput.path=/i\noutput.path=/o\ninput.column.system=sys\n");

    ScoreConfig config = new ScoreConfigBuilder()
        .withFile(conf)
        .withAssignments(List.of("input.column.system=", "input.system-prompt=You are terse. x=1"))
        .build();

    assertThat(config.input().columns().system()).isNull();
    assertThat(config.input().systemPrompt()).isEqualTo("You are terse. x=1");
  }

  @Test
  void fileIsReadAsUtf8() throws IOException {
    Path conf = file("model.path=/m\ninput.path=/i\noutput.path=/o\ninput.system-prompt=Réponds en français ✓\n");

    assertThat(new ScoreConfigBuilder().withFile(conf).build().input().systemPrompt())
        .isEqualTo("Réponds en français ✓");
  }

  @Test
  void unknownKeyInTheFileFails() throws IOException {
    Path conf = file("model.path=/m\ninput.path=/i\noutput.path=/o\nreward.beta=2\n");

    assertThatThrownBy(() -> new ScoreConfigBuilder().withFile(conf).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Cannot use unknown key 'reward.beta'");
  }

  @Test
  void missingFileFails() {
    Path missing = dir.resolve("absent.properties");

    assertThatThrownBy(() -> new ScoreConfigBuilder().withFile(missing))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot read config file " + missing + ": it does not exist");
  }

  @Test
  void malformedFileFails() throws IOException {
    Path conf = file("input.system-prompt=\\uZZZZ\n");

    assertThatThrownBy(() -> new ScoreConfigBuilder().withFile(conf))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Cannot read config file " + conf + ": ");
  }

  @Test
  void assignmentWithoutKeyOrEqualsFails() {
    for (String assignment : List.of("reward.alpha", "=0.5", " =0.5")) {
      assertThatThrownBy(() -> new ScoreConfigBuilder().withAssignments(List.of(assignment)))
          .as(assignment)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("Cannot parse the assignment '" + assignment + "': expected key=value");
    }
  }
}

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

    assertThat(config.engine().artefactDir()).isEqualTo("/from/flag");
    assertThat(config.input().path()).isEqualTo("/in/file");
    assertThat(config.output().path()).isEqualTo("/out/file");
    assertThat(config.engine().reward().alpha()).isEqualTo(0.75);
    assertThat(config.engine().budget().maxRowsPerBatch()).isEqualTo(4);
    assertThat(config.job().chunkRows()).isEqualTo(16);
    assertThat(config.engine().budget().maxTokensPerBatch()).isEqualTo(16384);
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
  void aBadValueInTheFileNamesTheFileAndLine() throws IOException {
    Path conf = file("# job settings\nmodel.path=/m\ninput.path=/i\noutput.path=/o\n\n  reward.gamma = 1.5\n");

    assertThatThrownBy(() -> new ScoreConfigBuilder().withFile(conf).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot set reward.gamma to '1.5': it must be in [0, 1] (" + conf + ", line 6)");
  }

  @Test
  void anUnknownKeyInTheFileNamesTheFileAndLine() throws IOException {
    Path conf = file("model.path=/m\ninput.path=/i\noutput.path=/o\nreward.beta: 2\n");

    assertThatThrownBy(() -> new ScoreConfigBuilder().withFile(conf).build())
        .hasMessageStartingWith("Cannot use unknown key 'reward.beta'")
        .hasMessageEndingWith("(" + conf + ", line 4)");
  }

  @Test
  void aBadValueFromSetNamesTheAssignmentThatWon() throws IOException {
    Path conf = file("model.path=/m\ninput.path=/i\noutput.path=/o\nbatch.max-rows=8\n");

    assertThatThrownBy(() -> new ScoreConfigBuilder().withFile(conf)
            .withAssignments(List.of("batch.max-rows=0")).build())
        .hasMessage("Cannot set batch.max-rows to '0': it must be at least 1 (--set batch.max-rows=0)");
  }

  @Test
  void aKeyGivenTwiceInOneFileFails() throws IOException {
    Path conf = file("model.path=/m\nreward.alpha=0.5\n# reward.alpha=3 is only a comment\ninput.path=/i\n"
        + "reward.alpha 0.75\n");

    assertThatThrownBy(() -> new ScoreConfigBuilder().withFile(conf))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot read config file " + conf + ": key reward.alpha is given twice, again on line 5;"
            + " keep one");
  }

  @Test
  void aKeyInAContinuedValueIsNotMistakenForAnEntry() throws IOException {
    Path conf = file("model.path=/m\ninput.path=/i\noutput.path=/o\ninput.system-prompt=Be brief \\\n"
        + "reward.alpha=7\nreward.alpha=-1\n");

    assertThatThrownBy(() -> new ScoreConfigBuilder().withFile(conf).build())
        .hasMessage("Cannot set reward.alpha to '-1': it must be finite and greater than 0 (" + conf + ", line 6)");
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

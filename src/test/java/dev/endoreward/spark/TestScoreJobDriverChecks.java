package dev.endoreward.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.endoreward.engine.EngineCache;
import dev.endoreward.spark.config.ScoreConfig;
import dev.endoreward.testing.DuckDb;
import dev.endoreward.testing.SharedFixtures;
import dev.endoreward.testing.SparkTestBase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Problems the driver must catch before any executor work. No scoring job may start; only reading a
 * JSON input's schema, which Spark does with a job of its own, may run before the check fails.
 */
class TestScoreJobDriverChecks extends SparkTestBase {
  @TempDir Path temp;
  private final List<String> jobsStarted = new CopyOnWriteArrayList<>();
  private final SparkListener jobRecorder = new SparkListener() {
    @Override
    public void onJobStart(SparkListenerJobStart jobStart) {
      jobsStarted.add(String.valueOf(jobStart.properties().getProperty("spark.job.description")));
    }
  };

  @BeforeEach
  void countTasks() {
    spark.sparkContext().addSparkListener(jobRecorder);
  }

  @AfterEach
  void stopCounting() {
    spark.sparkContext().removeSparkListener(jobRecorder);
  }

  private Path jsonl(String... lines) throws IOException, TimeoutException {
    Path input = temp.resolve("input-" + lines.length + ".jsonl");
    Files.write(input, List.of(lines));
    return input;
  }

  /** One Parquet file holding the rows of a DuckDB query. */
  private Path parquet(String select) {
    Path file = temp.resolve("input.parquet");
    DuckDb.execute("COPY (" + select + ") TO '" + file + "' (FORMAT PARQUET)");
    return file;
  }

  private ScoreConfig config(Path model, Path input, Map<String, String> extra) {
    Map<String, String> values = new HashMap<>(extra);
    values.put("model.path", model.toString());
    values.put("input.path", input.toString());
    values.putIfAbsent("output.path", temp.resolve("out").toString());
    values.put("job.progress", "false");
    return ScoreConfig.fromMap(values);
  }

  private void assertFailsOnDriver(ScoreConfig config, String... messageParts) throws TimeoutException {
    long loads = EngineCache.loads();
    assertThatThrownBy(() -> ScoreJob.run(spark, config))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Cannot")
        .hasMessageContainingAll(messageParts);
    spark.sparkContext().listenerBus().waitUntilEmpty();
    assertThat(jobsStarted).noneMatch(description -> description.startsWith("endoreward"));
    assertThat(EngineCache.loads()).isEqualTo(loads);
    assertThat(temp.resolve("out")).doesNotExist();
  }

  @Test
  void missingModel() throws IOException, TimeoutException {
    Path input = jsonl("{\"id\":\"a\",\"prompt\":\"p\",\"response\":\"r\"}");
    assertFailsOnDriver(config(temp.resolve("no-model"), input, Map.of()), "Cannot load model", "not a directory");
  }

  @Test
  void missingColumn() throws IOException, TimeoutException {
    Path input = jsonl("{\"id\":\"a\",\"question\":\"p\",\"response\":\"r\"}");
    assertFailsOnDriver(config(SharedFixtures.storiesArtefact(), input, Map.of()),
        "column 'prompt' is missing", "question");
  }

  @Test
  void wrongColumnType() throws IOException, TimeoutException {
    // A Parquet column's type is in the footer; a JSON Lines line of the wrong type is a rejected row instead.
    Path input = parquet("SELECT 'a' AS id, 7::BIGINT AS prompt, 'r' AS response");
    assertFailsOnDriver(config(SharedFixtures.storiesArtefact(), input, Map.of()), "column 'prompt' is bigint, expected string");
  }

  @Test
  void messagesColumnOfTheWrongShape() throws IOException, TimeoutException {
    Path input = parquet("SELECT 'a' AS id, ['hello'] AS messages");
    assertFailsOnDriver(config(SharedFixtures.storiesArtefact(), input,
        Map.of("input.column.messages", "messages")), "column 'messages' is array<string>");
  }

  @Test
  void inputThatClashesWithAnOutputColumn() throws IOException, TimeoutException {
    Path input = jsonl("{\"id\":\"a\",\"prompt\":\"p\",\"response\":\"r\",\"reward\":1.0}");
    assertFailsOnDriver(config(SharedFixtures.storiesArtefact(), input, Map.of()), "already has a column named 'reward'");
  }

  @Test
  void existingOutputWithErrorIfExists() throws IOException, TimeoutException {
    Path input = jsonl("{\"id\":\"a\",\"prompt\":\"p\",\"response\":\"r\"}");
    Path output = Files.createDirectories(temp.resolve("exists"));
    assertFailsOnDriver(config(SharedFixtures.storiesArtefact(), input, Map.of("output.path", output.toString())),
        "Cannot write to " + output, "output.mode=overwrite");
  }

  @ParameterizedTest(name = "output.mode={0}, resume={1}")
  @CsvSource({"error-if-exists, false", "overwrite, false", "append, false", "error-if-exists, true"})
  void outputThatIsAFileInEveryMode(String mode, boolean resume) throws IOException, TimeoutException {
    Path input = jsonl("{\"id\":\"a\",\"prompt\":\"p\",\"response\":\"r\"}");
    Path file = Files.writeString(temp.resolve("scores.parquet"), "a file");
    assertFailsOnDriver(config(SharedFixtures.storiesArtefact(), input, Map.of("output.path", file.toString(),
        "output.mode", mode, "output.resume", String.valueOf(resume))), "Cannot write to " + file
        + ": it is a file, not a folder; choose a folder path");
    assertThat(file).hasContent("a file");
  }

  @Test
  void outputUnderAFile() throws IOException, TimeoutException {
    Path input = jsonl("{\"id\":\"a\",\"prompt\":\"p\",\"response\":\"r\"}");
    Path file = Files.writeString(temp.resolve("notes.txt"), "a file");
    Path output = file.resolve("run1");
    assertFailsOnDriver(config(SharedFixtures.storiesArtefact(), input, Map.of("output.path", output.toString(),
        "output.mode", "overwrite")), "Cannot write to " + output + ": " + file.toUri().toString().replace("file:///",
        "file:/") + " is a file, not a folder; choose a folder path");
  }

  @Test
  void existingFolderOfOtherFilesIsNotOfferedAMode() throws IOException, TimeoutException {
    Path input = jsonl("{\"id\":\"a\",\"prompt\":\"p\",\"response\":\"r\"}");
    Path output = Files.createDirectories(temp.resolve("photos"));
    Files.writeString(output.resolve("cat.jpg"), "meow");
    assertFailsOnDriver(config(SharedFixtures.storiesArtefact(), input, Map.of("output.path", output.toString())),
        "Cannot write to " + output + ": it already exists and holds no scoring run (no _runs/); choose another"
            + " folder");
  }

  @Test
  void chatTemplateRequestedForAModelWithout() throws IOException, TimeoutException {
    Path input = jsonl("{\"id\":\"a\",\"prompt\":\"p\",\"response\":\"r\"}");
    assertFailsOnDriver(config(SharedFixtures.storiesArtefact(), input, Map.of("template.mode", "chat")),
        "Cannot load tokenizer");
  }

  @Test
  void maxLengthBeyondTheModel() throws IOException, TimeoutException {
    Path input = jsonl("{\"id\":\"a\",\"prompt\":\"p\",\"response\":\"r\"}");
    assertFailsOnDriver(config(SharedFixtures.storiesArtefact(), input,
        Map.of("length.max", "4096", "batch.max-tokens", "4096")), "length.max", "accepts at most 512");
  }

  @Test
  void tokenBudgetBelowTheModelsMaximumLength() throws IOException, TimeoutException {
    // length.max 0 is the model's 512 tokens, which a 64-token forward pass cannot hold.
    Path input = jsonl("{\"id\":\"a\",\"prompt\":\"p\",\"response\":\"r\"}");
    assertFailsOnDriver(config(SharedFixtures.storiesArtefact(), input, Map.of("batch.max-tokens", "64")),
        "Cannot fit a sequence of up to 512 tokens in a forward pass of 64 tokens", "batch.max-tokens");
  }

  @Test
  void tokenizerIdsBeyondTheModelsVocabulary() throws IOException, TimeoutException {
    Path model = SharedFixtures.copyOfStoriesArtefact(temp.resolve("small-vocab"));
    Path manifest = model.resolve("manifest.json");
    Files.writeString(manifest, Files.readString(manifest).replace("\"vocab_size\": 512", "\"vocab_size\": 300"));
    SharedFixtures.foldSelfTestIds(model, 300);
    Path input = jsonl("{\"id\":\"a\",\"prompt\":\"p\",\"response\":\"r\"}");
    assertFailsOnDriver(config(model, input, Map.of()), "the tokenizer has ids up to 511 but the model's vocab_size is 300");
  }

  @Test
  void corruptModelFile() throws IOException, TimeoutException {
    Path model = SharedFixtures.copyOfStoriesArtefact(temp.resolve("corrupt"));
    Files.writeString(model.resolve("tokenizer_config.json"), "{}");
    Path input = jsonl("{\"id\":\"a\",\"prompt\":\"p\",\"response\":\"r\"}");
    assertFailsOnDriver(config(model, input, Map.of()), "tokenizer_config.json is corrupt or was changed");
  }

  @Test
  void rehashedGarbageInsteadOfTheModule() throws IOException, TimeoutException {
    Path model = SharedFixtures.copyOfStoriesArtefact(temp.resolve("garbage"));
    Files.writeString(model.resolve("model.pt"), "garbage");
    SharedFixtures.rehash(model, "model.pt");
    Path input = jsonl("{\"id\":\"a\",\"prompt\":\"p\",\"response\":\"r\"}");
    assertFailsOnDriver(config(model, input, Map.of()), "model.pt is not a TorchScript archive");
  }

  @Test
  void aRuntimeThatComputesOtherNumbers() throws IOException, TimeoutException {
    Path model = SharedFixtures.copyOfStoriesArtefact(temp.resolve("other-numbers"));
    SharedFixtures.skewSelfTest(model);
    Path input = jsonl("{\"id\":\"a\",\"prompt\":\"p\",\"response\":\"r\"}");
    assertFailsOnDriver(config(model, input, Map.of()), "its outputs on cpu differ from the exporter's by");
  }
}

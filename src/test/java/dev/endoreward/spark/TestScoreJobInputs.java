package dev.endoreward.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.endoreward.batch.ScoredPair;
import dev.endoreward.engine.EngineCache;
import dev.endoreward.engine.RewardEngine;
import dev.endoreward.spark.config.ScoreConfig;
import dev.endoreward.testing.DuckDb;
import dev.endoreward.testing.ScoreOutput;
import dev.endoreward.testing.SharedFixtures;
import dev.endoreward.testing.SparkTestBase;
import dev.endoreward.text.ChatMessage;
import dev.endoreward.text.PairInput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Input forms of the score job: Parquet, custom columns, system prompts, messages; one model load. */
class TestScoreJobInputs extends SparkTestBase {
  private static final String STORY = "Once upon a time there was a little girl.";

  @TempDir Path temp;

  private ScoreConfig config(Path input, Map<String, String> extra) {
    Map<String, String> values = new HashMap<>();
    values.put("model.path", SharedFixtures.storiesArtefact().toString());
    values.put("input.path", input.toString());
    values.put("output.path", temp.resolve("out").toString());
    values.put("job.progress", "false");
    values.put("output.prompt-token-ids", "true");
    values.putAll(extra);
    return ScoreConfig.fromMap(values);
  }

  private static List<Integer> promptIdsByEngine(ScoreConfig config, PairInput pair) {
    try (RewardEngine engine = RewardEngine.open(config.engineOptions())) {
      ScoredPair scored = engine.newScorer().score(List.of(pair)).get(0).value();
      List<Integer> ids = new ArrayList<>();
      for (int id : scored.tokens().promptIds()) {
        ids.add(id);
      }
      return ids;
    }
  }

  private Map<String, Map<String, Object>> scoredById() {
    Map<String, Map<String, Object>> rows = new HashMap<>();
    for (Map<String, Object> row : DuckDb.query("SELECT * FROM read_parquet('" + ScoreOutput.glob(temp.resolve("out"), "scored") + "')")) {
      rows.put(String.valueOf(row.get(row.containsKey("uid") ? "uid" : "id")), row);
    }
    return rows;
  }

  @Test
  void parquetWithCustomColumnsAndASystemColumnCarriesEveryInputColumn() throws IOException {
    StructType schema = new StructType(new StructField[] {
        DataTypes.createStructField("uid", DataTypes.LongType, true),
        DataTypes.createStructField("question", DataTypes.StringType, true),
        DataTypes.createStructField("answer", DataTypes.StringType, true),
        DataTypes.createStructField("persona", DataTypes.StringType, true),
        DataTypes.createStructField("source", DataTypes.StringType, true)});
    List<Row> rows = List.of(
        RowFactory.create(1L, "Tell me a story.", " " + STORY, "You tell stories.", "a"),
        RowFactory.create(2L, "Tell me a story.", " " + STORY, null, "b"));
    Path input = temp.resolve("in.parquet");
    spark.createDataFrame(rows, schema).write().parquet(input.toString());

    ScoreConfig config = config(input, Map.of("input.column.id", "uid", "input.column.prompt", "question",
        "input.column.response", "answer", "input.column.system", "persona"));
    RunSummary summary = ScoreJob.run(spark, config);

    assertThat(summary.rowsScored()).isEqualTo(2);
    Map<String, Map<String, Object>> scored = scoredById();
    assertThat(scored.get("1")).containsEntry("source", "a").containsEntry("persona", "You tell stories.");
    assertThat(scored.get("1").get("prompt_token_ids")).isEqualTo(
        promptIdsByEngine(config, PairInput.of("You tell stories.", "Tell me a story.", " " + STORY)));
    assertThat(scored.get("2").get("prompt_token_ids")).isEqualTo(
        promptIdsByEngine(config, PairInput.of(null, "Tell me a story.", " " + STORY)));
    assertThat((int) scored.get("1").get("num_prompt_tokens")).isGreaterThan((int) scored.get("2").get("num_prompt_tokens"));
  }

  @Test
  void aGlobalSystemPromptSteersEveryRow() throws IOException {
    Path input = temp.resolve("in.jsonl");
    Files.writeString(input, "{\"id\":\"x\",\"prompt\":\"Tell me a story.\",\"response\":\" " + STORY + "\"}\n");
    ScoreConfig config = config(input, Map.of("input.system-prompt", "You are a kind storyteller."));
    ScoreJob.run(spark, config);
    assertThat(scoredById().get("x").get("prompt_token_ids")).isEqualTo(
        promptIdsByEngine(config, PairInput.of("You are a kind storyteller.", "Tell me a story.", " " + STORY)));
  }

  @Test
  void messagesFormScoresTheLastAssistantTurn() throws IOException {
    Path input = temp.resolve("messages.jsonl");
    Files.writeString(input, String.join("\n",
        "{\"id\":\"m1\",\"messages\":[{\"role\":\"user\",\"content\":\"Tell me a story.\"},"
            + "{\"role\":\"assistant\",\"content\":\" " + STORY + "\"}]}",
        "{\"id\":\"m2\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}",
        "{\"id\":\"m3\",\"messages\":[]}",
        "{\"id\":\"m4\",\"messages\":null}") + "\n");
    ScoreConfig config = config(input, Map.of("input.column.messages", "messages"));
    RunSummary summary = ScoreJob.run(spark, config);

    assertThat(summary.rowsScored()).isEqualTo(1);
    assertThat(summary.rejectedByReason()).containsEntry("TEMPLATE_ERROR", 1L).containsEntry("EMPTY_RESPONSE", 1L)
        .containsEntry("NULL_FIELD", 1L);
    PairInput expected = new PairInput(null, List.of(new ChatMessage("user", "Tell me a story.")), " " + STORY);
    assertThat(scoredById().get("m1").get("prompt_token_ids")).isEqualTo(promptIdsByEngine(config, expected));
  }

  @Test
  void manyPartitionsLoadTheModelOncePerExecutor() throws IOException {
    Path input = temp.resolve("many.jsonl");
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 48; i++) {
      lines.add("{\"id\":\"r" + i + "\",\"prompt\":\"Story " + i + ".\",\"response\":\" " + STORY + "\"}");
    }
    Files.write(input, lines);
    long before = EngineCache.loads();
    // a copy of the model at a path of its own, so that this JVM's cache has not loaded it yet
    Map<String, String> settings = Map.of("job.partitions", "12",
        "model.path", SharedFixtures.copyOfStoriesArtefact(temp.resolve("model")).toString());
    RunSummary summary = ScoreJob.run(spark, config(input, settings));
    assertThat(summary.rowsScored()).isEqualTo(48);
    // local[2] is one executor JVM running two task slots over twelve partitions
    assertThat(summary.lastAttempt().modelLoads()).isEqualTo(1);
    assertThat(EngineCache.loads() - before).isEqualTo(1);
  }
}

package dev.endoreward.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.endoreward.spark.config.ScoreConfig;
import dev.endoreward.testing.DuckDb;
import dev.endoreward.testing.PairRows;
import dev.endoreward.testing.ScoreOutput;
import dev.endoreward.testing.SharedFixtures;
import dev.endoreward.testing.SparkTestBase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Determinism on the real stories260K model, comparing every value of every row. Two runs with the same
 * settings are bit-identical, whatever the input's order and files: a unit's rows are sorted by id, so its
 * chunks and batches are the same. Across batch sizes and unit counts a pair's values are bit-identical when
 * the engine runs one intra-op thread per task (local[2] on two cores, as here); with more, libtorch rounds a
 * forward pass of a single row differently from one of several, and which rows end up alone in a batch
 * depends on those settings. Measured with two threads on these pairs: up to 1.1e-5 relative to
 * max(1, |value|), in about one value in ten; {@link #TOLERANCE} allows that.
 */
class TestScoreJobDeterminism extends SparkTestBase {
  /** The largest difference allowed across batch settings, relative to max(1, |value|). */
  private static final double TOLERANCE = 5e-5;
  private static final List<String> FLOATS = List.of("reward", "reward_mean", "logprob", "logprob_mean",
      "value_prompt");
  private static final List<String> FLOAT_ARRAYS = List.of("token_rewards", "token_logprobs");
  private static final List<String> EXACT = List.of("num_prompt_tokens", "num_response_tokens", "prompt_truncated",
      "response_token_ids", "prompt_token_ids");

  @TempDir static Path temp;
  private static PairRows rows;
  private static Path input;
  private static Map<String, Map<String, Object>> reference;

  @BeforeAll
  static void scoreOnce() throws IOException {
    rows = PairRows.hhRlhf(40);
    rows.add("null-response", "Hello", null);
    input = rows.writeJsonLines(temp.resolve("pairs.jsonl"));
    reference = scored(run(input, "reference"));
  }

  private static Path run(Path input, String name, String... keyValues) {
    Path output = temp.resolve(name);
    Map<String, String> values = new HashMap<>();
    values.put("model.path", SharedFixtures.storiesArtefact().toString());
    values.put("input.path", input.toString());
    values.put("output.path", output.toString());
    values.put("length.max", "256");
    values.put("job.progress", "false");
    values.put("output.prompt-token-ids", "true");
    for (int i = 0; i < keyValues.length; i += 2) {
      values.put(keyValues[i], keyValues[i + 1]);
    }
    ScoreJob.run(spark, ScoreConfig.fromMap(values));
    return output;
  }

  private static Map<String, Map<String, Object>> scored(Path output) {
    Map<String, Map<String, Object>> byId = new HashMap<>();
    for (Map<String, Object> row : DuckDb.query("SELECT * FROM read_parquet('" + ScoreOutput.glob(output, "scored") + "')")) {
      byId.put((String) row.get("id"), row);
    }
    return byId;
  }

  /**
   * How far a run's float values are from the reference's: the largest difference relative to
   * max(1, |reference|), and how many values differ at all.
   */
  private record Difference(double maxRelative, long differing, long values) {}

  /**
   * Compares every scored row with the reference's: token counts and ids must be equal, floats are measured.
   */
  private static Difference compare(Map<String, Map<String, Object>> actual) {
    assertThat(actual.keySet()).isEqualTo(reference.keySet());
    double maxRelative = 0;
    long differing = 0;
    long values = 0;
    for (Map.Entry<String, Map<String, Object>> row : actual.entrySet()) {
      Map<String, Object> want = reference.get(row.getKey());
      for (String column : EXACT) {
        assertThat(row.getValue().get(column)).as(row.getKey() + " " + column).isEqualTo(want.get(column));
      }
      List<Float> mine = new ArrayList<>();
      List<Float> theirs = new ArrayList<>();
      for (String column : FLOATS) {
        mine.add((Float) row.getValue().get(column));
        theirs.add((Float) want.get(column));
      }
      for (String column : FLOAT_ARRAYS) {
        List<?> a = (List<?>) row.getValue().get(column);
        List<?> b = (List<?>) want.get(column);
        assertThat(a).as(row.getKey() + " " + column).hasSameSizeAs(b);
        a.forEach(value -> mine.add((Float) value));
        b.forEach(value -> theirs.add((Float) value));
      }
      for (int i = 0; i < mine.size(); i++) {
        float expected = theirs.get(i);
        maxRelative = Math.max(maxRelative, Math.abs(mine.get(i) - expected) / Math.max(1, Math.abs(expected)));
        differing += Float.floatToIntBits(mine.get(i)) == Float.floatToIntBits(theirs.get(i)) ? 0 : 1;
        values++;
      }
    }
    return new Difference(maxRelative, differing, values);
  }

  @Test
  void theSameSettingsGiveBitIdenticalValuesWhateverTheInputOrderAndFiles() throws IOException {
    List<String> lines = new ArrayList<>(List.of(rows.toJsonLines().split("\n")));
    Collections.shuffle(lines, new Random(42));
    Path shuffled = Files.createDirectories(temp.resolve("shuffled"));
    for (int part = 0; part < 3; part++) {
      Files.write(shuffled.resolve("part-" + part + ".jsonl"),
          lines.subList(part * lines.size() / 3, (part + 1) * lines.size() / 3));
    }

    Difference difference = compare(scored(run(shuffled, "from-shuffled-files")));

    assertThat(difference.differing()).isZero();
    assertThat(difference.values()).isGreaterThan(1000);
  }

  @Test
  void otherBatchesAndUnitsMoveNoValueByMoreThanAFewFloatSteps() {
    Map<String, Difference> differences = new LinkedHashMap<>();
    differences.put("small batches, 5 units", compare(scored(run(input, "small-batches", "batch.max-rows", "3",
        "batch.max-tokens", "1024", "batch.chunk-rows", "7", "job.partitions", "5"))));
    differences.put("unsorted, 2 units", compare(scored(run(input, "unsorted", "batch.sort-by-length", "false",
        "job.partitions", "2"))));
    differences.put("one row per batch", compare(scored(run(input, "alone", "batch.max-rows", "1"))));

    differences.forEach((settings, difference) -> System.out.printf("%s, %s intra-op thread(s): %d of %d values"
        + " differ, by %.2g relative at most%n", settings, System.getProperty("ai.djl.pytorch.num_threads"),
        difference.differing(), difference.values(), difference.maxRelative()));
    assertThat(differences.values()).allSatisfy(difference ->
        assertThat(difference.maxRelative()).isLessThanOrEqualTo(TOLERANCE));
  }
}

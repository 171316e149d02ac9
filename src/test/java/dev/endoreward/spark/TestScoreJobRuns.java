package dev.endoreward.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import dev.endoreward.batch.ScoredPair;
import dev.endoreward.batch.Scorer;
import dev.endoreward.batch.ScoringStats;
import dev.endoreward.reward.Outcome;
import dev.endoreward.spark.config.ScoreConfig;
import dev.endoreward.testing.DuckDb;
import dev.endoreward.testing.JobRecorder;
import dev.endoreward.testing.PairRows;
import dev.endoreward.testing.ScoreOutput;
import dev.endoreward.testing.SparkTestBase;
import dev.endoreward.text.PairInput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs as the unit of truth, on the model-free {@link CodePointScorer}: the folder's layout and its
 * {@code _SUCCESS} rule, units that follow the ids alone, a failed run that {@code output.resume} finishes
 * into what an uninterrupted run writes, and the checks of resume and append. A failure is a task that
 * throws; a driver killed at any moment is tested on a real cluster in {@link TestScoreJobOnCluster}.
 */
class TestScoreJobRuns extends SparkTestBase {
  /** A response that makes {@link ExplodingScorer} throw while {@link #EXPLODE} is set. */
  private static final String BOMB = "explode";
  private static final AtomicBoolean EXPLODE = new AtomicBoolean();

  @TempDir Path temp;

  @AfterEach
  void disarm() {
    EXPLODE.set(false);
  }

  /** {@link CodePointScorer}, but throws on a chunk holding {@link #BOMB} while {@link #EXPLODE} is set. */
  private static final class ExplodingScorer implements Scorer {
    private final CodePointScorer scorer = new CodePointScorer();

    @Override
    public List<Outcome<ScoredPair>> score(List<PairInput> pairs) {
      if (EXPLODE.get() && pairs.stream().anyMatch(pair -> pair.response().equals(BOMB))) {
        throw new IllegalStateException("the bomb went off");
      }
      return scorer.score(pairs);
    }

    @Override
    public ScoringStats stats() {
      return scorer.stats();
    }
  }

  /** Rows r0 .. r(count-1), some of which every stage rejects, and one {@link #BOMB}. */
  private static PairRows rows(int count, long seed) {
    PairRows rows = new PairRows();
    Random random = new Random(seed);
    for (int i = 0; i < count; i++) {
      switch (random.nextInt(8)) {
        case 0 -> rows.add("r" + i, null, "no prompt");
        case 1 -> rows.add("r" + i, "Why?", "");
        default -> rows.add("r" + i, "Question " + random.nextInt(50) + "?", "Answer " + "x".repeat(random.nextInt(30)));
      }
    }
    rows.add("bomb", "Hi?", BOMB);
    return rows;
  }

  /** Eight units unless {@code keyValues} say otherwise. */
  private static ScoreConfig config(Path input, Path output, String... keyValues) {
    String[] withUnits = new String[keyValues.length + 2];
    withUnits[0] = "job.partitions";
    withUnits[1] = "8";
    System.arraycopy(keyValues, 0, withUnits, 2, keyValues.length);
    return CodePointScorer.config(input, output, withUnits);
  }

  /** What a model would record, with this config's reward options and a fixed model. */
  private static Map<String, String> provenance(ScoreConfig config, String modelSha) {
    Map<String, String> provenance = new LinkedHashMap<>();
    provenance.put("model_sha256", modelSha);
    provenance.put("tokenizer_sha256", "tokenizer");
    provenance.put("template_mode", "PLAIN");
    provenance.put("template_sha256", "");
    provenance.put("alpha", String.valueOf(config.engine().reward().alpha()));
    provenance.put("gamma", String.valueOf(config.engine().reward().gamma()));
    provenance.put("terminal", config.engine().reward().terminal().name());
    provenance.put("project_version", "test");
    return provenance;
  }

  private static RunSummary run(ScoreConfig config) {
    return run(config, "model");
  }

  private static RunSummary run(ScoreConfig config, String modelSha) {
    EndogenousRewardScorer scorer = new EndogenousRewardScorer(config, provenance(config, modelSha),
        metrics -> new ExplodingScorer());
    return ScoreJob.run(spark, config, scorer);
  }

  private static List<Map<String, Object>> query(String sql) {
    return DuckDb.query(sql);
  }

  private static String table(Path output, String child) {
    return "read_parquet('" + ScoreOutput.glob(output, child) + "')";
  }

  private static List<String> ids(Path output, String child) {
    List<String> ids = new ArrayList<>();
    query("SELECT id FROM " + table(output, child)).forEach(row -> ids.add((String) row.get("id")));
    return ids;
  }

  /** The unit markers of the folder's only run: unit number to attempt, from the file names. */
  private static Map<Integer, Integer> markers(Path output) throws IOException {
    Map<Integer, Integer> units = new TreeMap<>();
    try (Stream<Path> runs = Files.list(output.resolve("_runs"));
        Stream<Path> files = Files.list(runs.findFirst().orElseThrow().resolve("units"))) {
      for (Path file : files.toList()) {
        String[] parts = file.getFileName().toString().split("-attempt-");
        if (parts.length == 2 && !parts[0].startsWith(".")) {
          units.put(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
        }
      }
    }
    return units;
  }

  /** Every Parquet file under a unit folder of {@code child}, with its modification time. */
  private static Map<Path, FileTime> files(Path output, String child, Set<Integer> units) throws IOException {
    Map<Path, FileTime> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(output.resolve(child))) {
      for (Path file : walk.filter(f -> f.toString().endsWith(".parquet")).toList()) {
        String unit = file.getParent().getFileName().toString();
        if (units.contains(Integer.parseInt(unit.substring("unit=".length())))) {
          files.put(file, Files.getLastModifiedTime(file));
        }
      }
    }
    return files;
  }

  private static Path writeInput(Path file, PairRows rows) {
    return rows.writeJsonLines(file);
  }

  /** FNV-1a 64 of the id's UTF-8 bytes, unsigned, modulo the units: the rule README states, computed here. */
  private static long unitOf(String id, int units) {
    long hash = 0xcbf29ce484222325L;
    for (byte b : id.getBytes(StandardCharsets.UTF_8)) {
      hash = (hash ^ (b & 0xff)) * 0x100000001b3L;
    }
    return Long.remainderUnsigned(hash, units);
  }

  @Test
  void aFinishedRunHasItsRecordUnitsAndSummaryAndSuccessLast() throws IOException {
    PairRows rows = rows(200, 3);
    Path output = temp.resolve("out");

    RunSummary summary = run(config(writeInput(temp.resolve("in.jsonl"), rows), output));

    JsonNode written = ScoreOutput.summary(output);
    assertThat(written.get("complete").asBoolean()).isTrue();
    assertThat(written.get("in_progress").isNull()).isTrue();
    assertThat(written.get("runs")).hasSize(1);
    String runId = written.get("runs").get(0).get("run_id").asText();
    assertThat(summary.runId()).isEqualTo(runId);
    assertThat(query("SELECT DISTINCT run_id FROM " + table(output, "scored")))
        .extracting(row -> row.get("run_id")).containsExactly(runId);
    assertThat(Files.readString(output.resolve("_runs").resolve(runId).resolve("run.json"))).contains("\"unit_count\" : 8");
    assertThat(markers(output)).hasSize(8).containsValue(1).doesNotContainValue(2);
    for (String child : List.of("scored", "rejected")) {
      try (Stream<Path> units = Files.list(output.resolve(child).resolve("run_id=" + runId))) {
        assertThat(units.map(unit -> unit.getFileName().toString())).containsExactlyInAnyOrder(
            "unit=0", "unit=1", "unit=2", "unit=3", "unit=4", "unit=5", "unit=6", "unit=7");
      }
    }
    FileTime success = Files.getLastModifiedTime(output.resolve("_SUCCESS"));
    assertThat(Files.getLastModifiedTime(output.resolve("_summary.json"))).isLessThanOrEqualTo(success);
    for (String child : List.of("scored", "rejected")) {
      assertThat(files(output, child, Set.of(0, 1, 2, 3, 4, 5, 6, 7)).values()).allMatch(t -> t.compareTo(success) <= 0);
    }
  }

  @Test
  void aRunOfFewerRowsThanAUnitHoldsStillGetsAUnitPerTaskSlot() throws IOException {
    int slots = spark.sparkContext().defaultParallelism();
    assertThat(slots).as("the test session's task slots").isGreaterThan(1);
    Path output = temp.resolve("out");

    RunSummary summary = run(CodePointScorer.config(writeInput(temp.resolve("in.jsonl"), rows(200, 5)), output));

    assertThat(summary.units()).isEqualTo(slots);
    assertThat(markers(output)).hasSize(slots);
  }

  @Test
  void aRowsUnitFollowsItsIdAloneWhateverTheFilesAndTheirOrder() throws IOException {
    PairRows rows = rows(300, 5);
    List<String> lines = new ArrayList<>(List.of(rows.toJsonLines().split("\n")));
    Path oneFile = writeInput(temp.resolve("one.jsonl"), rows);
    Path threeFiles = Files.createDirectories(temp.resolve("three"));
    Collections.shuffle(lines, new Random(1));
    for (int part = 0; part < 3; part++) {
      Files.write(threeFiles.resolve("part-" + part + ".jsonl"), lines.subList(part * lines.size() / 3,
          (part + 1) * lines.size() / 3));
    }

    run(config(oneFile, temp.resolve("a"), "job.partitions", "5"));
    run(config(threeFiles, temp.resolve("b"), "job.partitions", "5"));

    for (Path output : List.of(temp.resolve("a"), temp.resolve("b"))) {
      List<Map<String, Object>> units = query("SELECT id, unit FROM " + table(output, "scored")
          + " UNION ALL SELECT id, unit FROM " + table(output, "rejected"));
      assertThat(units).hasSize(rows.byId().size());
      assertThat(units).allSatisfy(row ->
          assertThat(((Number) row.get("unit")).longValue()).isEqualTo(unitOf((String) row.get("id"), 5)));
    }
  }

  @Test
  void aFailedRunIsIncompleteAndResumeScoresOnlyItsUncommittedUnitsIntoTheUninterruptedResult() throws IOException {
    PairRows rows = rows(400, 7);
    Path input = writeInput(temp.resolve("in.jsonl"), rows);
    Path output = temp.resolve("out");
    ScoreConfig config = config(input, output, "batch.max-rows", "3", "batch.chunk-rows", "7");
    RunSummary uninterrupted = run(config(input, temp.resolve("uninterrupted"), "batch.max-rows", "3",
        "batch.chunk-rows", "7"));

    EXPLODE.set(true);
    assertThatThrownBy(() -> run(config))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("Cannot score unit " + unitOf("bomb", 8) + " of run ");
    EXPLODE.set(false);

    assertThat(output.resolve("_SUCCESS")).doesNotExist();
    JsonNode inProgress = ScoreOutput.summary(output);
    assertThat(inProgress.get("complete").asBoolean()).isFalse();
    assertThat(inProgress.get("in_progress").asText()).isNotEmpty();
    Map<Integer, Integer> committedBefore = markers(output);
    assertThat(committedBefore).doesNotContainKey((int) unitOf("bomb", 8)).hasSizeLessThan(8);
    // A copy of a committed unit's file inside an uncommitted unit: what a commit cut short might leave.
    String runId = inProgress.get("in_progress").asText();
    int committedUnit = committedBefore.keySet().iterator().next();
    Path stray = Files.createDirectories(output.resolve("scored/run_id=" + runId + "/unit=" + unitOf("bomb", 8)));
    Path copied = files(output, "scored", Set.of(committedUnit)).keySet().iterator().next();
    Files.copy(copied, stray.resolve("part-stray.zstd.parquet"));
    Map<Path, FileTime> committedFiles = files(output, "scored", committedBefore.keySet());

    RunSummary resumed = run(ScoreConfig.fromMap(withResume(config)));

    assertThat(output.resolve("_SUCCESS")).exists();
    assertThat(resumed.runId()).isEqualTo(runId);
    for (String child : List.of("scored", "rejected")) {
      String a = "SELECT * EXCLUDE (run_id) FROM " + table(output, child);
      String b = "SELECT * EXCLUDE (run_id) FROM " + table(temp.resolve("uninterrupted"), child);
      assertThat(query(a + " EXCEPT ALL " + b)).isEmpty();
      assertThat(query(b + " EXCEPT ALL " + a)).isEmpty();
    }
    assertThat(ids(output, "scored")).doesNotHaveDuplicates();
    assertThat(List.of(resumed.rowsIn(), resumed.rowsScored(), resumed.rowsRejected(), resumed.promptTokens(),
        resumed.responseTokens())).isEqualTo(List.of(uninterrupted.rowsIn(), uninterrupted.rowsScored(),
        uninterrupted.rowsRejected(), uninterrupted.promptTokens(), uninterrupted.responseTokens()));
    assertThat(resumed.rejectedByReason()).isEqualTo(uninterrupted.rejectedByReason());
    // Only the uncommitted units were scored again: the committed ones kept their files and markers.
    assertThat(files(output, "scored", committedBefore.keySet())).isEqualTo(committedFiles);
    Map<Integer, Integer> committedAfter = markers(output);
    assertThat(committedAfter).hasSize(8).containsAllEntriesOf(committedBefore);
    assertThat(committedAfter.values().stream().filter(attempt -> attempt == 2).count())
        .isEqualTo(8 - committedBefore.size());
    assertThat(resumed.attempts()).extracting(Attempt::attempt, Attempt::finished, Attempt::unitsCommitted)
        .containsExactly(tuple(1, false, committedBefore.size()), tuple(2, true, 8 - committedBefore.size()));
  }

  private static Map<String, String> withResume(ScoreConfig config) {
    Map<String, String> values = new HashMap<>(config.asMap());
    values.put("output.resume", "true");
    return values;
  }

  /** An incomplete folder: the run failed on its bomb. */
  private ScoreConfig failedRun(Path input, Path output) {
    ScoreConfig config = config(input, output);
    EXPLODE.set(true);
    assertThatThrownBy(() -> run(config)).isInstanceOf(IllegalStateException.class);
    EXPLODE.set(false);
    return config;
  }

  @Test
  void resumeRefusesAChangedSettingModelOrInputBeforeAnyScoring() throws Exception {
    Path input = writeInput(temp.resolve("in.jsonl"), rows(100, 9));
    Path output = temp.resolve("out");
    ScoreConfig config = failedRun(input, output);
    Map<String, String> resume = withResume(config);
    String runId = ScoreOutput.summary(output).get("in_progress").asText();

    Map<String, String> otherAlpha = new HashMap<>(resume);
    otherAlpha.put("reward.alpha", "0.5");
    try (JobRecorder jobs = JobRecorder.start(spark)) {
      assertThatThrownBy(() -> run(ScoreConfig.fromMap(otherAlpha)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("Cannot resume " + output + ": reward.alpha changed from '1.0' to '0.5' (run " + runId + ")");
      assertThatThrownBy(() -> run(ScoreConfig.fromMap(resume), "another model"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("Cannot resume " + output + ": model_sha256 changed from 'model' to 'another model' (run "
              + runId + ")");
      Files.writeString(input, "{\"id\":\"late\",\"prompt\":\"Hi\",\"response\":\"Ho\"}\n", StandardOpenOption.APPEND);
      assertThatThrownBy(() -> run(ScoreConfig.fromMap(resume)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("Cannot resume " + output + ": the input changed: " + input.toUri() + " was ");
      assertThat(jobs.anyScoreJobStarted()).isFalse();
    }
    assertThat(output.resolve("_SUCCESS")).doesNotExist();
  }

  @Test
  void resumeRefusesACompleteOrMissingFolder() {
    Path input = writeInput(temp.resolve("in.jsonl"), rows(20, 1));
    Path output = temp.resolve("out");
    run(config(input, output));

    assertThatThrownBy(() -> run(ScoreConfig.fromMap(withResume(config(input, output)))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot resume " + output + ": it is complete (it has _SUCCESS); start a new run without"
            + " --resume, with output.mode=append or output.mode=overwrite");
    Path missing = temp.resolve("missing");
    assertThatThrownBy(() -> run(ScoreConfig.fromMap(withResume(config(input, missing)))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot resume " + missing + ": it does not exist; start a new run without --resume");
  }

  @Test
  void resumeRefusesAnOverwriteThatStoppedBeforeItsRunStarted() {
    Path input = writeInput(temp.resolve("in.jsonl"), rows(20, 1));
    Path output = temp.resolve("out");
    ScoreConfig config = config(input, output, "output.mode", "overwrite");
    run(config);
    // As an overwrite leaves the folder when the driver dies while it deletes the earlier runs.
    OutputFolder folder = OutputFolder.open(spark.sparkContext().hadoopConfiguration(), output.toString());
    folder.begin(new FolderSummary(output.toString(), false, "20991231T000000Z-000000", List.of()));

    assertThatThrownBy(() -> run(ScoreConfig.fromMap(withResume(config))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot resume " + output + ": its run 20991231T000000Z-000000 had not started when the job"
            + " stopped (it has no record); score it again without --resume, with output.mode=overwrite");
    assertThat(output.resolve("_SUCCESS")).doesNotExist();
    run(config);
    assertThat(output.resolve("_SUCCESS")).exists();
  }

  @Test
  void appendAddsARunBesideTheFirstAndTheSummaryListsBoth() throws IOException {
    PairRows first = rows(50, 11);
    PairRows second = new PairRows();
    for (int i = 0; i < 30; i++) {
      second.add("s" + i, "Again " + i + "?", "Yes " + "y".repeat(i));
    }
    Path output = temp.resolve("out");
    RunSummary one = run(config(writeInput(temp.resolve("first.jsonl"), first), output));

    RunSummary two = run(config(writeInput(temp.resolve("second.jsonl"), second), output, "output.mode", "append"));

    List<Map<String, Object>> byRun = query("SELECT run_id, count(*) AS n FROM (SELECT run_id FROM "
        + table(output, "scored") + " UNION ALL SELECT run_id FROM " + table(output, "rejected") + ") GROUP BY run_id");
    Map<Object, Long> counts = new HashMap<>();
    byRun.forEach(row -> counts.put(row.get("run_id"), ((Number) row.get("n")).longValue()));
    assertThat(counts).containsOnly(Map.entry(one.runId(), (long) first.byId().size()),
        Map.entry(two.runId(), (long) second.byId().size()));
    JsonNode summary = ScoreOutput.summary(output);
    assertThat(summary.get("complete").asBoolean()).isTrue();
    assertThat(summary.get("runs")).extracting(run -> run.get("run_id").asText())
        .containsExactly(one.runId(), two.runId());
    assertThat(summary.get("runs").get(1).get("rows_in").asLong()).isEqualTo(second.byId().size());
    assertThat(output.resolve("_SUCCESS")).exists();
  }

  @Test
  void appendRefusesAnotherScoringOrTheSameInputBeforeAnyScoring() throws Exception {
    Path input = writeInput(temp.resolve("in.jsonl"), rows(30, 13));
    Path other = writeInput(temp.resolve("other.jsonl"), rows(10, 17));
    Path output = temp.resolve("out");
    String runId = run(config(input, output)).runId();
    byte[] summaryBefore = Files.readAllBytes(output.resolve("_summary.json"));
    String refusal = "Cannot append to " + output + ": its run " + runId + " ";

    try (JobRecorder jobs = JobRecorder.start(spark)) {
      assertThatThrownBy(() -> run(config(other, output, "output.mode", "append", "reward.alpha", "0.5")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(refusal + "differs: alpha changed from '1.0' to '0.5'; write this run to another folder");
      assertThatThrownBy(() -> run(config(other, output, "output.mode", "append"), "another model"))
          .hasMessageStartingWith(refusal + "differs: model_sha256 changed from 'model' to 'another model'");
      assertThatThrownBy(() -> run(config(other, output, "output.mode", "append", "output.token-level", "false")))
          .hasMessageStartingWith(refusal + "differs: the scored columns would change from (id:string,prompt:string,"
              + "response:string,prompt_id:string,reward:float,");
      assertThatThrownBy(() -> run(config(input, output, "output.mode", "append")))
          .hasMessage(refusal + "already scored this input (the same files, sizes and times); score it again with"
              + " output.mode=overwrite, or write this run to another folder");
      assertThat(jobs.anyScoreJobStarted()).isFalse();
    }
    assertThat(Files.readAllBytes(output.resolve("_summary.json"))).isEqualTo(summaryBefore);
    assertThat(output.resolve("_SUCCESS")).exists();
  }

  @Test
  void appendRefusesAnIncompleteFolder() {
    Path output = temp.resolve("out");
    failedRun(writeInput(temp.resolve("in.jsonl"), rows(30, 19)), output);

    assertThatThrownBy(() -> run(config(writeInput(temp.resolve("other.jsonl"), rows(5, 23)), output,
        "output.mode", "append")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot append to " + output + ": it is incomplete (no _SUCCESS); finish its run with --resume,"
            + " or replace it with output.mode=overwrite");
  }

  @Test
  void anOverwriteThatFailsLeavesNoRowOfTheRunItReplaces() throws IOException {
    Path input = writeInput(temp.resolve("in.jsonl"), rows(200, 29));
    Path output = temp.resolve("out");
    String first = run(config(input, output)).runId();

    ScoreConfig overwrite = config(input, output, "output.mode", "overwrite");
    EXPLODE.set(true);
    assertThatThrownBy(() -> run(overwrite)).isInstanceOf(IllegalStateException.class);
    EXPLODE.set(false);

    assertThat(output.resolve("_SUCCESS")).doesNotExist();
    String failed = ScoreOutput.summary(output).get("in_progress").asText();
    assertThat(failed).isNotEqualTo(first);
    try (Stream<Path> runs = Files.list(output.resolve("_runs"))) {
      assertThat(runs.map(run -> run.getFileName().toString())).containsExactly(failed);
    }
    assertThat(query("SELECT DISTINCT run_id FROM " + table(output, "scored"))).extracting(row -> row.get("run_id"))
        .containsExactly(failed);

    String last = run(overwrite).runId();
    assertThat(query("SELECT DISTINCT run_id FROM " + table(output, "scored"))).extracting(row -> row.get("run_id"))
        .containsExactly(last);
    Set<String> all = new TreeSet<>(ids(output, "scored"));
    all.addAll(ids(output, "rejected"));
    assertThat(all).hasSize(ids(output, "scored").size() + ids(output, "rejected").size())
        .isEqualTo(new TreeSet<>(rows(200, 29).byId().keySet()));
    assertThat(output.resolve("_SUCCESS")).exists();
  }
}

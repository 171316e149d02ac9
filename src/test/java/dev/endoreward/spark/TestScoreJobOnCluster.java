package dev.endoreward.spark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.endoreward.testing.DuckDb;
import dev.endoreward.testing.PairRows;
import dev.endoreward.testing.ScoreOutput;
import dev.endoreward.testing.SharedFixtures;
import dev.endoreward.testing.StandaloneCluster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The score job on a real Spark standalone cluster on 127.0.0.1 (a master and two one-core workers, each its
 * own JVM), submitted with {@code jobs/submit-standalone.sh} as a user submits it, with the real stories260K
 * model. An executor killed with {@code kill -9} mid-job is replaced and every row still comes out once; a
 * driver killed mid-job leaves an incomplete folder that {@code --resume} finishes into exactly what an
 * uninterrupted run writes, scoring again only the units that had not committed.
 *
 * <p>Tagged {@code cluster}: Failsafe runs it after the package build, which makes the jobs jar it submits.
 */
@Tag("cluster")
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class TestScoreJobOnCluster {
  /** Where Failsafe says the package build wrote the jobs jar. */
  private static final String JOBS_JAR_PROPERTY = "endoreward.jobs.jar";
  private static final int UNITS = 16;
  private static final String MODEL_LOADED = "endoreward loaded the model";

  @TempDir static Path temp;
  private static StandaloneCluster cluster;
  private static PairRows rows;
  private static Path input;
  private static Path sparkConf;
  private static Path uninterrupted;
  private static List<Path> uninterruptedExecutorLogs;

  @BeforeAll
  static void startTheClusterAndScoreOnce() throws Exception {
    cluster = StandaloneCluster.start(temp.resolve("cluster"), 2, 1, "1536m");
    rows = PairRows.hhRlhf(200);
    rows.add("null-response", "Hello", null);
    rows.add("empty-response", "Hello", "");
    input = rows.writeJsonLines(temp.resolve("pairs.jsonl"));
    // What a user writes for this cluster: executors of one core and 1 GB, DJL offline in every JVM.
    sparkConf = Files.writeString(temp.resolve("spark.conf"), String.join("\n",
        "spark.driver.host=127.0.0.1",
        "spark.driver.bindAddress=127.0.0.1",
        "spark.executor.cores=1",
        "spark.executor.memory=1g",
        "spark.cores.max=2",
        "spark.ui.enabled=false",
        "spark.executorEnv.DJL_OFFLINE=true",
        "spark.executorEnv.OPT_OUT_TRACKING=true",
        "spark.executor.extraJavaOptions=-Dai.djl.offline=true -DOPT_OUT_TRACKING=true",
        ""));
    uninterrupted = temp.resolve("uninterrupted");
    Process job = submit(uninterrupted);
    assertThat(job.waitFor(5, TimeUnit.MINUTES)).as("the uninterrupted run ends").isTrue();
    assertThat(job.exitValue()).as(log(uninterrupted)).isZero();
    uninterruptedExecutorLogs = executorLogs(Set.of());
  }

  @AfterAll
  static void stopTheCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  /** Starts {@code jobs/submit-standalone.sh} into {@code output}, its output in {@code <output>.log}. */
  private static Process submit(Path output, String... more) throws IOException {
    List<String> command = new ArrayList<>(List.of("bash",
        SharedFixtures.projectDir().resolve("jobs/submit-standalone.sh").toString(),
        "--model", SharedFixtures.storiesArtefact().toString(), "--input", input.toString(),
        "--output", output.toString(), "--set", "length.max=256", "--set", "job.partitions=" + UNITS));
    command.addAll(List.of(more));
    ProcessBuilder builder = new ProcessBuilder(command).directory(temp.toFile()).redirectErrorStream(true)
        .redirectOutput(Path.of(output + ".log").toFile());
    builder.environment().putAll(cluster.environment());
    builder.environment().put("SPARK_MASTER", cluster.masterUrl());
    builder.environment().put("SPARK_CONF_FILE", sparkConf.toString());
    builder.environment().put("JOBS_JAR", System.getProperty(JOBS_JAR_PROPERTY));
    return builder.start();
  }

  private static String log(Path output) throws IOException {
    return Files.readString(Path.of(output + ".log"), StandardCharsets.UTF_8);
  }

  /** Unit number to the attempt that committed it, from the markers' names. */
  private static Map<Integer, Integer> markers(Path output) throws IOException {
    Map<Integer, Integer> units = new TreeMap<>();
    Path runs = output.resolve("_runs");
    if (!Files.isDirectory(runs)) {
      return units;
    }
    try (Stream<Path> files = Files.walk(runs)) {
      for (Path file : files.filter(f -> f.getParent().getFileName().toString().equals("units")).toList()) {
        String[] parts = file.getFileName().toString().split("-attempt-");
        if (parts.length == 2 && !parts[0].startsWith(".")) {
          units.put(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
        }
      }
    }
    return units;
  }

  /** Waits until {@code count} units of {@code output} are committed while {@code job} still runs. */
  private static void awaitCommittedUnits(Path output, int count, Process job) throws Exception {
    while (markers(output).size() < count) {
      assertThat(job.isAlive()).as("the job still runs\n" + log(output)).isTrue();
      Thread.sleep(100);
    }
  }

  /** The executors' logs of every application that ran after {@code before} was taken. */
  private static List<Path> executorLogs(Set<Path> before) throws IOException {
    List<Path> logs = new ArrayList<>();
    for (Path workDir : cluster.workDirs()) {
      try (Stream<Path> files = Files.walk(workDir)) {
        files.filter(f -> f.getFileName().toString().equals("stderr") && !before.contains(f)).forEach(logs::add);
      }
    }
    return logs;
  }

  private static long linesWith(Path file, String text) throws IOException {
    try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
      return lines.filter(line -> line.contains(text)).count();
    }
  }

  private static void assertSameRowsAsUninterrupted(Path output) {
    for (String child : List.of("scored", "rejected")) {
      String mine = "SELECT * EXCLUDE (run_id) FROM read_parquet('" + ScoreOutput.glob(output, child) + "')";
      String theirs = "SELECT * EXCLUDE (run_id) FROM read_parquet('" + ScoreOutput.glob(uninterrupted, child) + "')";
      assertThat(DuckDb.query(mine + " EXCEPT ALL " + theirs)).as(child + " rows only in " + output).isEmpty();
      assertThat(DuckDb.query(theirs + " EXCEPT ALL " + mine)).as(child + " rows missing from " + output).isEmpty();
    }
  }

  private static void assertEveryIdOnce(Path output) {
    List<Object> ids = new ArrayList<>();
    for (String child : List.of("scored", "rejected")) {
      DuckDb.query("SELECT id FROM read_parquet('" + ScoreOutput.glob(output, child) + "')")
          .forEach(row -> ids.add(row.get("id")));
    }
    assertThat(ids).containsExactlyInAnyOrderElementsOf(rows.byId().keySet());
  }

  @Test
  void twoExecutorsScoreEveryRowOnceLoadingTheModelOnceEach() throws IOException {
    assertThat(uninterrupted.resolve("_SUCCESS")).exists();
    assertEveryIdOnce(uninterrupted);
    assertThat(uninterruptedExecutorLogs).hasSize(2);
    for (Path log : uninterruptedExecutorLogs) {
      assertThat(linesWith(log, MODEL_LOADED)).as(log.toString()).isEqualTo(1);
    }
    JsonNode run = ScoreOutput.onlyRun(uninterrupted);
    assertThat(run.get("attempts").get(0).get("model_loads").asLong()).isEqualTo(2);
    assertThat(run.get("units").asInt()).isEqualTo(UNITS);
  }

  @Test
  void anExecutorKilledMidJobIsReplacedAndEveryRowStillComesOutOnce() throws Exception {
    Set<Path> before = new HashSet<>(executorLogs(Set.of()));
    Path output = temp.resolve("executor-killed");
    Process job = submit(output);
    awaitCommittedUnits(output, 1, job);

    ProcessHandle victim = cluster.executors().get(0);
    assertThat(new ProcessBuilder("kill", "-9", String.valueOf(victim.pid())).start().waitFor()).isZero();

    assertThat(job.waitFor(5, TimeUnit.MINUTES)).isTrue();
    assertThat(job.exitValue()).as(log(output)).isZero();
    assertThat(markers(output)).hasSize(UNITS);
    assertEveryIdOnce(output);
    assertSameRowsAsUninterrupted(output);
    assertThat(executorLogs(before)).as("the killed executor and its replacement").hasSizeGreaterThanOrEqualTo(3);
  }

  @Test
  void aDriverKilledMidJobIsResumedIntoTheUninterruptedResultScoringOnlyTheUnfinishedUnits() throws Exception {
    Path output = temp.resolve("driver-killed");
    Process driver = submit(output);
    awaitCommittedUnits(output, 4, driver);

    assertThat(new ProcessBuilder("kill", "-9", String.valueOf(driver.pid())).start().waitFor()).isZero();
    assertThat(driver.waitFor(1, TimeUnit.MINUTES)).isTrue();
    FileTime killed = FileTime.from(Instant.now());
    Map<Integer, Integer> committed = markers(output);
    assertThat(committed.size()).isBetween(4, UNITS - 1);
    assertThat(output.resolve("_SUCCESS")).doesNotExist();
    assertThat(ScoreOutput.summary(output).get("complete").asBoolean()).isFalse();
    while (!cluster.executors().isEmpty()) {
      Thread.sleep(100); // the master stops the dead driver's executors
    }

    Process resume = submit(output, "--resume");
    assertThat(resume.waitFor(5, TimeUnit.MINUTES)).isTrue();
    assertThat(resume.exitValue()).as(log(output)).isZero();

    assertThat(output.resolve("_SUCCESS")).exists();
    assertSameRowsAsUninterrupted(output);
    JsonNode run = ScoreOutput.onlyRun(output);
    JsonNode reference = ScoreOutput.onlyRun(uninterrupted);
    for (String count : List.of("rows_in", "rows_scored", "rows_rejected", "rejected_by_reason", "prompt_tokens",
        "response_tokens", "units")) {
      assertThat(run.get(count)).as(count).isEqualTo(reference.get(count));
    }
    int rescored = UNITS - committed.size();
    Map<Integer, Integer> after = markers(output);
    assertThat(after).hasSize(UNITS).containsAllEntriesOf(committed);
    assertThat(after.values().stream().filter(attempt -> attempt == 2).count()).isEqualTo(rescored);
    assertThat(run.get("attempts").get(1).get("units_committed").asInt()).isEqualTo(rescored);
    // Counted from the files, not the job's records: the units whose Parquet files were written after the kill.
    Set<String> rewritten = new HashSet<>();
    try (Stream<Path> files = Files.walk(output.resolve("scored"))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".parquet")).toList()) {
        if (Files.getLastModifiedTime(file).compareTo(killed) > 0) {
          rewritten.add(file.getParent().getFileName().toString());
        }
      }
    }
    assertThat(rewritten).hasSize(rescored);
    System.out.printf("Driver killed with %d of %d units committed; --resume scored the other %d%n",
        committed.size(), UNITS, rescored);
  }
}

package dev.endoreward.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.endoreward.spark.config.ScoreConfig;
import dev.endoreward.testing.DuckDb;
import dev.endoreward.testing.PairRows;
import dev.endoreward.testing.S3ProxyServer;
import dev.endoreward.testing.ScoreOutput;
import dev.endoreward.testing.SharedFixtures;
import dev.endoreward.testing.SparkTestBase;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The score job reading its input from and writing its output to {@code s3a://}, against a real
 * S3-compatible server (s3proxy) on loopback, with each unit committed by the S3A magic committer through
 * {@code spark-hadoop-cloud}, set up as {@code conf/spark-k8s.conf} sets it up. The input is uploaded, and the output
 * checked, with the AWS SDK's own client, so both directions go through s3a only inside the job.
 */
class TestScoreJobOnS3 extends SparkTestBase {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BUCKET = "endoreward-scores";
  private static final String OUTPUT = "s3a://" + BUCKET + "/out";

  @TempDir static Path temp;
  private static S3ProxyServer s3;
  /** The S3A committer settings of the shipped Kubernetes example, the ones README's "Operations" gives. */
  private static final Map<String, String> COMMITTER_SETTINGS = committerSettings();
  private static final Map<String, String> hadoopSettingsBefore = new HashMap<>();
  private static PairRows inputRows;
  private static Map<String, String> configValues;
  private static RunSummary summary;
  private static Path downloaded;

  @BeforeAll
  static void scoreFromS3ToS3() throws IOException {
    s3 = S3ProxyServer.start(temp.resolve("s3proxy"));
    s3.createBucket(BUCKET);
    pointS3aAtTheServer();

    inputRows = PairRows.hhRlhf(5);
    inputRows.add("null-response", "Hello", null);
    s3.putObject(BUCKET, "in/pairs.jsonl", inputRows.toJsonLines().getBytes(StandardCharsets.UTF_8));

    configValues = new HashMap<>();
    configValues.put("model.path", SharedFixtures.storiesArtefact().toString());
    configValues.put("input.path", "s3a://" + BUCKET + "/in/pairs.jsonl");
    configValues.put("output.path", OUTPUT);
    configValues.put("length.max", "256");
    configValues.put("job.partitions", "2");
    configValues.put("job.progress", "false");
    summary = ScoreJob.run(spark, ScoreConfig.fromMap(configValues));
    downloaded = download("out/");
  }

  @AfterAll
  static void forgetTheServer() throws IOException {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    // The file system cache outlives this class's Spark session; drop the instance bound to this server.
    FileSystem.get(URI.create("s3a://" + BUCKET + "/"), conf).close();
    COMMITTER_SETTINGS.keySet().stream().filter(key -> key.startsWith("spark.sql.")).forEach(spark.conf()::unset);
    for (Map.Entry<String, String> before : hadoopSettingsBefore.entrySet()) {
      if (before.getValue() == null) {
        conf.unset(before.getKey());
      } else {
        conf.set(before.getKey(), before.getValue());
      }
    }
    s3.close();
  }

  private static void pointS3aAtTheServer() {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    Map<String, String> settings = new HashMap<>(s3.s3aSettings());
    COMMITTER_SETTINGS.forEach((key, value) -> {
      if (key.startsWith("spark.hadoop.")) {
        settings.put(key.substring("spark.hadoop.".length()), value);
      } else {
        spark.conf().set(key, value);
      }
    });
    for (Map.Entry<String, String> setting : settings.entrySet()) {
      hadoopSettingsBefore.put(setting.getKey(), conf.get(setting.getKey()));
      conf.set(setting.getKey(), setting.getValue());
    }
  }

  private static Map<String, String> committerSettings() {
    Properties conf = new Properties();
    try (Reader in = Files.newBufferedReader(SharedFixtures.projectDir().resolve("conf/spark-k8s.conf"))) {
      conf.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> settings = new HashMap<>();
    for (String key : List.of("spark.sql.sources.commitProtocolClass", "spark.sql.parquet.output.committer.class",
        "spark.hadoop.mapreduce.outputcommitter.factory.scheme.s3a", "spark.hadoop.fs.s3a.committer.name")) {
      settings.put(key, conf.getProperty(key));
    }
    return settings;
  }

  /** Copies every object under {@code prefix} to a local folder, keeping the keys as paths. */
  private static Path download(String prefix) throws IOException {
    Path root = Files.createDirectories(temp.resolve("downloaded"));
    for (String key : s3.keys(BUCKET, prefix)) {
      if (key.endsWith("/")) {
        continue; // an empty object that marks a folder
      }
      Path file = root.resolve(key);
      Files.createDirectories(file.getParent());
      Files.write(file, s3.getObject(BUCKET, key));
    }
    return root.resolve(prefix);
  }

  private static String parquetGlob(String child) {
    return ScoreOutput.glob(downloaded, child);
  }

  private static List<Object> ids(String child) {
    List<Object> ids = new ArrayList<>();
    DuckDb.query("SELECT id FROM read_parquet('" + parquetGlob(child) + "')").forEach(r -> ids.add(r.get("id")));
    return ids;
  }

  @Test
  void theOutputIsInTheBucketEachUnitCommittedByTheMagicCommitter() throws IOException {
    List<String> keys = s3.keys(BUCKET, "out/");
    String unitFolder = "out/scored/run_id=" + summary.runId() + "/unit=";
    assertThat(keys).contains("out/_SUCCESS", "out/_summary.json", "out/_runs/" + summary.runId() + "/run.json");
    assertThat(keys).filteredOn(k -> k.startsWith(unitFolder) && k.endsWith(".zstd.parquet")).isNotEmpty();
    assertThat(keys).filteredOn(k -> k.startsWith("out/rejected/run_id=") && k.endsWith(".zstd.parquet")).isNotEmpty();
    assertThat(keys).noneMatch(k -> k.contains("__magic") || k.contains("_temporary"));
    for (String child : List.of("scored", "rejected")) {
      for (int unit = 0; unit < 2; unit++) {
        String key = "out/" + child + "/run_id=" + summary.runId() + "/unit=" + unit + "/_SUCCESS";
        JsonNode success = JSON.readTree(s3.getObject(BUCKET, key));
        assertThat(success.get("committer").asText()).as(key).isEqualTo("magic");
      }
    }
  }

  @Test
  void everyInputRowIsScoredOrRejectedExactlyOnce() {
    List<Object> all = new ArrayList<>(ids("scored"));
    all.addAll(ids("rejected"));
    assertThat(all).containsExactlyInAnyOrderElementsOf(inputRows.byId().keySet());
    assertThat(ids("rejected")).containsExactly("null-response");
    List<Map<String, Object>> reasons = DuckDb.query("SELECT reject_reason FROM read_parquet('" + parquetGlob("rejected") + "')");
    assertThat(reasons).extracting(r -> r.get("reject_reason")).containsExactly("NULL_FIELD");
  }

  @Test
  void scoredParquetHoldsFiniteRewardsForEveryToken() {
    List<Map<String, Object>> rows = DuckDb.query("SELECT reward, num_response_tokens, len(token_rewards) AS n"
        + " FROM read_parquet('" + parquetGlob("scored") + "')");
    assertThat(rows).hasSize(10).allSatisfy(row -> {
      assertThat((Float) row.get("reward")).isFinite();
      assertThat(((Number) row.get("n")).intValue()).isEqualTo(row.get("num_response_tokens")).isPositive();
    });
  }

  @Test
  void sparkReadsTheScoredParquetBackThroughS3a() {
    assertThat(spark.read().parquet(OUTPUT + "/scored").select("id", "run_id", "unit").count())
        .isEqualTo(ids("scored").size());
  }

  @Test
  void summaryInTheBucketCountsTheRun() throws IOException {
    JsonNode folder = JSON.readTree(s3.getObject(BUCKET, "out/_summary.json"));
    assertThat(folder.get("complete").asBoolean()).isTrue();
    JsonNode written = folder.get("runs").get(0);
    assertThat(written.get("output_path").asText()).isEqualTo(OUTPUT);
    assertThat(written.get("rows_in").asLong()).isEqualTo(11);
    assertThat(written.get("rows_scored").asLong()).isEqualTo(10);
    assertThat(written.get("rows_rejected").asLong()).isEqualTo(1);
    assertThat(written.get("rejected_by_reason").get("NULL_FIELD").asLong()).isEqualTo(1);
    assertThat(written.get("config").get("input.path").asText()).isEqualTo("s3a://" + BUCKET + "/in/pairs.jsonl");
    assertThat(summary.rowsScored()).isEqualTo(10);
  }

  @Test
  void errorIfExistsRefusesAnExistingS3aOutputOnTheDriver() {
    byte[] summaryBefore = s3.getObject(BUCKET, "out/_summary.json");
    Map<String, String> again = new HashMap<>(configValues);
    again.put("output.mode", "error-if-exists");
    assertThatThrownBy(() -> ScoreJob.run(spark, ScoreConfig.fromMap(again)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Cannot write to " + OUTPUT + ": it already exists");
    assertThat(s3.getObject(BUCKET, "out/_summary.json")).isEqualTo(summaryBefore);
  }

  @Test
  void resumeRescoresAUnitWhoseCommitWasNotRecordedAndDropsWhatItLeft() throws IOException {
    String output = "s3a://" + BUCKET + "/resumed";
    Map<String, String> values = new HashMap<>(configValues);
    values.put("output.path", output);
    RunSummary first = ScoreJob.run(spark, ScoreConfig.fromMap(values));
    // As if the driver died after unit 0's writes committed but before its marker: no marker, no _SUCCESS, and
    // a stray copy of one of its files, which would count its rows twice.
    String unit0 = "resumed/scored/run_id=" + first.runId() + "/unit=0/";
    String part = s3.keys(BUCKET, unit0).stream().filter(k -> k.endsWith(".parquet")).findFirst().orElseThrow();
    s3.putObject(BUCKET, unit0 + "part-stray.zstd.parquet", s3.getObject(BUCKET, part));
    s3.deleteObject(BUCKET, "resumed/_runs/" + first.runId() + "/units/0-attempt-1");
    s3.deleteObject(BUCKET, "resumed/_SUCCESS");

    values.put("output.resume", "true");
    RunSummary resumed = ScoreJob.run(spark, ScoreConfig.fromMap(values));

    assertThat(s3.keys(BUCKET, "resumed/")).contains("resumed/_SUCCESS", "resumed/_runs/" + first.runId()
        + "/units/0-attempt-2", "resumed/_runs/" + first.runId() + "/units/1-attempt-1")
        .doesNotContain(unit0 + "part-stray.zstd.parquet");
    assertThat(resumed.attempts()).extracting(Attempt::unitsCommitted).containsExactly(1, 1);
    assertThat(List.of(resumed.rowsScored(), resumed.rowsRejected())).isEqualTo(List.of(first.rowsScored(),
        first.rowsRejected()));
    List<Object> ids = new ArrayList<>();
    spark.read().parquet(output + "/scored").select("id").collectAsList().forEach(row -> ids.add(row.get(0)));
    spark.read().parquet(output + "/rejected").select("id").collectAsList().forEach(row -> ids.add(row.get(0)));
    assertThat(ids).containsExactlyInAnyOrderElementsOf(inputRows.byId().keySet());
  }
}

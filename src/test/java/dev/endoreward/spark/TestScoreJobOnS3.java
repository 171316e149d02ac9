package dev.endoreward.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.endoreward.spark.config.ScoreConfig;
import dev.endoreward.testing.DuckDb;
import dev.endoreward.testing.PairRows;
import dev.endoreward.testing.PreferenceData;
import dev.endoreward.testing.S3ProxyServer;
import dev.endoreward.testing.SharedFixtures;
import dev.endoreward.testing.SparkTestBase;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The score job reading its input from and writing its output to {@code s3a://}, against a real
 * S3-compatible server (s3proxy) on loopback. The input is uploaded, and the output checked, with the AWS
 * SDK's own client, so both directions go through s3a only inside the job.
 */
class TestScoreJobOnS3 extends SparkTestBase {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BUCKET = "endoreward-scores";
  private static final String OUTPUT = "s3a://" + BUCKET + "/out";

  @TempDir static Path temp;
  private static S3ProxyServer s3;
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

    inputRows = new PairRows();
    int n = 0;
    for (PreferenceData.Comparison c : PreferenceData.hhRlhf(5)) {
      inputRows.add("hh-" + n++, c.prompt(), c.chosen());
      inputRows.add("hh-" + n++, c.prompt(), c.rejected());
    }
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
    for (Map.Entry<String, String> setting : s3.s3aSettings().entrySet()) {
      hadoopSettingsBefore.put(setting.getKey(), conf.get(setting.getKey()));
      conf.set(setting.getKey(), setting.getValue());
    }
  }

  /** Copies every object under {@code prefix} to a local folder, keeping the keys as paths. */
  private static Path download(String prefix) throws IOException {
    Path root = Files.createDirectories(temp.resolve("downloaded"));
    for (String key : s3.keys(BUCKET, prefix)) {
      Path file = root.resolve(key);
      Files.createDirectories(file.getParent());
      Files.write(file, s3.getObject(BUCKET, key));
    }
    return root.resolve(prefix);
  }

  private static String parquetGlob(String child) {
    return downloaded.resolve(child).resolve("*.parquet").toString();
  }

  private static List<Object> ids(String child) {
    List<Object> ids = new ArrayList<>();
    DuckDb.query("SELECT id FROM read_parquet('" + parquetGlob(child) + "')").forEach(r -> ids.add(r.get("id")));
    return ids;
  }

  @Test
  void theOutputIsInTheBucket() {
    List<String> keys = s3.keys(BUCKET, "out/");
    assertThat(keys).contains("out/_summary.json");
    assertThat(keys).filteredOn(k -> k.startsWith("out/scored/part-") && k.endsWith(".zstd.parquet")).isNotEmpty();
    assertThat(keys).filteredOn(k -> k.startsWith("out/rejected/part-") && k.endsWith(".zstd.parquet")).isNotEmpty();
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
    assertThat(spark.read().parquet(OUTPUT + "/scored").count()).isEqualTo(ids("scored").size());
  }

  @Test
  void summaryInTheBucketCountsTheRun() throws IOException {
    JsonNode written = JSON.readTree(s3.getObject(BUCKET, "out/_summary.json"));
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
}

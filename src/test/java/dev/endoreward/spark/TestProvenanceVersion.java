package dev.endoreward.spark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.endoreward.spark.config.ScoreConfig;
import dev.endoreward.testing.DuckDb;
import dev.endoreward.testing.ScoreOutput;
import dev.endoreward.testing.SharedFixtures;
import dev.endoreward.testing.SparkTestBase;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/**
 * The project version and git commit in what a run writes: its summary and every Parquet footer, read back
 * with DuckDB, against the pom and git themselves.
 */
class TestProvenanceVersion extends SparkTestBase {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path temp;

  private static Path output;

  @BeforeAll
  static void scoreTheSamples() {
    Path project = SharedFixtures.projectDir();
    output = temp.resolve("out");
    ScoreJob.run(spark, ScoreConfig.fromMap(Map.of(
        "model.path", project.resolve("src/demo/model").toString(),
        "input.path", project.resolve("src/demo/sample/pairs.jsonl").toString(),
        "output.path", output.toString(),
        "job.progress", "false")));
  }

  /** The version in pom.xml, read as XML. */
  private static String pomVersion() throws Exception {
    Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(SharedFixtures.projectDir().resolve("pom.xml").toFile());
    return XPathFactory.newInstance().newXPath().evaluate("/project/version", pom);
  }

  /** What {@code git rev-parse HEAD} prints in the project folder, or null outside a git checkout. */
  private static String gitHead() throws Exception {
    Process git = new ProcessBuilder("git", "rev-parse", "HEAD").directory(SharedFixtures.projectDir().toFile())
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    git.getInputStream().transferTo(out);
    assertThat(git.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return git.exitValue() == 0 ? out.toString(StandardCharsets.UTF_8).strip() : null;
  }

  /** The metadata of the {@code reward} column in each scored file's footer, as Spark wrote its schema there. */
  private static List<JsonNode> rewardMetadataInFooters() throws Exception {
    List<Map<String, Object>> footers = DuckDb.query("SELECT decode(value) AS v FROM parquet_kv_metadata('"
        + ScoreOutput.glob(output, "scored") + "') WHERE decode(key) = 'org.apache.spark.sql.parquet.row.metadata'");
    assertThat(footers).isNotEmpty();
    List<JsonNode> metadata = new ArrayList<>();
    for (Map<String, Object> footer : footers) {
      for (JsonNode field : JSON.readTree((String) footer.get("v")).get("fields")) {
        if (field.get("name").asText().equals("reward")) {
          metadata.add(field.get("metadata"));
        }
      }
    }
    assertThat(metadata).hasSameSizeAs(footers);
    return metadata;
  }

  @Test
  void everyFooterCarriesThePomVersion() throws Exception {
    String version = pomVersion();
    assertThat(version).isNotBlank().doesNotContain("${");
    assertThat(rewardMetadataInFooters())
        .allSatisfy(metadata -> assertThat(metadata.get("endoreward.project_version").asText()).isEqualTo(version));
  }

  @Test
  void theSummaryCarriesThePomVersion() throws Exception {
    assertThat(ScoreOutput.onlyRun(output).get("provenance").get("project_version").asText()).isEqualTo(pomVersion());
  }

  @Test
  void theGitCommitIsTheCheckedOutOneOrAbsentOutsideACheckout() throws Exception {
    String head = gitHead();
    JsonNode provenance = ScoreOutput.onlyRun(output).get("provenance");
    if (head == null) {
      assertThat(provenance.has("git_commit")).isFalse();
    } else {
      assertThat(head).matches("[0-9a-f]{40}");
      assertThat(provenance.get("git_commit").asText()).isEqualTo(head);
      assertThat(rewardMetadataInFooters())
          .allSatisfy(metadata -> assertThat(metadata.get("endoreward.git_commit").asText()).isEqualTo(head));
    }
  }
}

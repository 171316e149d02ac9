package dev.endoreward.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.endoreward.spark.ScoreJob;
import dev.endoreward.testing.S3ProxyServer;
import dev.endoreward.testing.SharedFixtures;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The real {@code score} command, with the real job and a Spark session of its own, against stores it cannot
 * use: a closed port on loopback, and a real S3-compatible server (s3proxy) given a wrong secret.
 */
class TestScoreCommandOnStorage {
  private static final String BUCKET = "endoreward-cli";
  private static final String WRONG_SECRET = "wrong-secret-77d1e0";

  @TempDir static Path temp;
  private static S3ProxyServer s3;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeAll
  static void startTheServer() {
    s3 = S3ProxyServer.start(temp.resolve("s3proxy"));
    s3.createBucket(BUCKET);
    s3.putObject(BUCKET, "in/pairs.jsonl", "{\"id\":\"a\",\"prompt\":\"p\",\"response\":\"r\"}\n"
        .getBytes(StandardCharsets.UTF_8));
  }

  @AfterAll
  static void stopTheServer() {
    s3.close();
  }

  /** Runs {@code score} as {@code Main} does, on a session whose Hadoop settings are {@code s3a}. */
  private int score(Map<String, String> s3a, String output) {
    SparkSessionFactory sessions = () -> {
      SparkSession.Builder builder = SparkSession.builder().master("local[1]").appName(SparkSessionFactory.APP_NAME)
          .config("spark.driver.host", "127.0.0.1")
          .config("spark.driver.bindAddress", "127.0.0.1")
          .config("spark.ui.enabled", "false")
          // A new client for each session: the cache would keep the first test's endpoint and keys.
          .config("spark.hadoop.fs.s3a.impl.disable.cache", "true");
      s3a.forEach((key, value) -> builder.config("spark.hadoop." + key, value));
      return builder.getOrCreate();
    };
    CommandLine commandLine = Main.commandLine(ScoreJob::run, sessions, temp.resolve("no-default.properties"));
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute("score", "--model", SharedFixtures.storiesArtefact().toString(),
        "--input", "s3a://" + BUCKET + "/in/pairs.jsonl", "--output", output, "--set", "job.progress=false");
  }

  private static Map<String, String> s3a(String key, String value) {
    Map<String, String> settings = new HashMap<>(s3.s3aSettings());
    settings.put(key, value);
    return settings;
  }

  @Test
  void anUnreachableEndpointExitsTwoWithinThirtySeconds() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }

    long start = System.nanoTime();
    int code = score(s3a("fs.s3a.endpoint", "http://127.0.0.1:" + port), "s3a://" + BUCKET + "/out");
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    System.out.println("score against a closed port exited " + code + " after " + took.toMillis() + " ms: " + err);
    assertThat(took).isLessThan(Duration.ofSeconds(30));
    assertThat(code).isEqualTo(ExitCodes.CONFIG_ERROR);
    assertThat(err.toString()).isEqualTo("Cannot reach s3a://" + BUCKET + "/in/pairs.jsonl: connection refused by"
        + " http://127.0.0.1:" + port + " (fs.s3a.endpoint); check the endpoint and network" + System.lineSeparator());
  }

  @Test
  void aWrongSecretExitsTwoWithoutShowingIt() {
    int code = score(s3a("fs.s3a.secret.key", WRONG_SECRET), "s3a://" + BUCKET + "/out");

    System.out.println("score with a wrong secret exited " + code + ": " + err);
    assertThat(code).isEqualTo(ExitCodes.CONFIG_ERROR);
    assertThat(err.toString()).startsWith("Cannot access s3a://" + BUCKET + "/in/pairs.jsonl: ")
        .contains("refused the credentials").doesNotContain(WRONG_SECRET, S3ProxyServer.SECRET_KEY, "\tat ")
        .hasLineCount(1);
    assertThat(s3.keys(BUCKET, "out")).isEmpty();
  }
}

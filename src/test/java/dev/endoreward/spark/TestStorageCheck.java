package dev.endoreward.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.endoreward.testing.S3ProxyServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver's check of the stores, against a closed port on loopback and against a real S3-compatible
 * server (s3proxy) with good and bad credentials.
 */
class TestStorageCheck {
  private static final String BUCKET = "endoreward-check";
  private static final String WRONG_SECRET = "wrong-secret-3f9c2a";

  @TempDir static Path temp;
  private static S3ProxyServer s3;

  @BeforeAll
  static void startTheServer() {
    s3 = S3ProxyServer.start(temp.resolve("s3proxy"));
    s3.createBucket(BUCKET);
    s3.putObject(BUCKET, "in/pairs.jsonl", "{}\n".getBytes(StandardCharsets.UTF_8));
  }

  @AfterAll
  static void stopTheServer() {
    s3.close();
  }

  /** A port on 127.0.0.1 that nothing listens on: bound, then closed. */
  static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static Configuration s3a(Map<String, String> overrides) {
    Configuration conf = new Configuration();
    s3.s3aSettings().forEach(conf::set);
    overrides.forEach(conf::set);
    return conf;
  }

  @Test
  void aClosedPortFailsWithinSecondsNamingTheEndpoint() throws IOException {
    String endpoint = "http://127.0.0.1:" + closedPort();
    Configuration conf = s3a(Map.of("fs.s3a.endpoint", endpoint));

    long start = System.nanoTime();
    Throwable thrown = catchThrowable(() -> StorageCheck.reach(conf, List.of("s3a://" + BUCKET + "/in/*.jsonl")));
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    System.out.println("An unreachable s3a endpoint failed the check in " + took.toMillis() + " ms");
    assertThat(took).isLessThan(Duration.ofSeconds(30));
    assertThat(thrown).isInstanceOf(IllegalArgumentException.class).hasMessage("Cannot reach s3a://" + BUCKET
        + "/in/*.jsonl: connection refused by " + endpoint + " (fs.s3a.endpoint); check the endpoint and network");
  }

  @Test
  void aBucketsOwnEndpointIsNamedByItsKey() throws IOException {
    String endpoint = "http://127.0.0.1:" + closedPort();
    String key = "fs.s3a.bucket." + BUCKET + ".endpoint";
    Configuration conf = s3a(Map.of(key, endpoint));

    Throwable thrown = catchThrowable(() -> StorageCheck.reach(conf, List.of("s3a://" + BUCKET + "/out")));

    assertThat(thrown).hasMessage("Cannot reach s3a://" + BUCKET + "/out: connection refused by " + endpoint + " ("
        + key + "); check the endpoint and network");
  }

  @Test
  void aWrongSecretIsRefusedWithoutShowingAnyKey() {
    Configuration conf = s3a(Map.of("fs.s3a.secret.key", WRONG_SECRET));

    Throwable thrown = catchThrowable(() -> StorageCheck.reach(conf, List.of("s3a://" + BUCKET + "/in/pairs.jsonl")));

    System.out.println("A wrong secret: " + thrown.getMessage());
    assertThat(thrown).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Cannot access s3a://" + BUCKET + "/in/pairs.jsonl: " + s3.endpoint()
            + " (fs.s3a.endpoint) refused the credentials (")
        .hasMessageEndingWith("); check fs.s3a.access.key and fs.s3a.secret.key, or fs.s3a.aws.credentials.provider,"
            + " and the bucket's policy");
    assertThat(thrown.getMessage()).doesNotContain(WRONG_SECRET, S3ProxyServer.SECRET_KEY, S3ProxyServer.ACCESS_KEY)
        .doesNotContain("\n");
  }

  @Test
  void anUnknownAccessKeyIsRefusedWithoutShowingIt() {
    Configuration conf = s3a(Map.of("fs.s3a.access.key", "AKIAUNKNOWN0000KEY"));

    Throwable thrown = catchThrowable(() -> StorageCheck.reach(conf, List.of("s3a://" + BUCKET + "/out")));

    assertThat(thrown).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Cannot access s3a://" + BUCKET + "/out: ");
    assertThat(thrown.getMessage()).doesNotContain("AKIAUNKNOWN0000KEY", S3ProxyServer.SECRET_KEY);
  }

  @Test
  void aReachableStorePassesForPathsThatExistOrNot() {
    Configuration conf = s3a(Map.of());

    assertThatCode(() -> StorageCheck.reach(conf, List.of("s3a://" + BUCKET + "/in/pairs.jsonl",
        "s3a://" + BUCKET + "/in/*.jsonl", "s3a://" + BUCKET + "/not-yet/out"))).doesNotThrowAnyException();
  }

  @Test
  void localPathsAreNotChecked() throws IOException {
    // Even with an s3a endpoint that answers nothing, local paths reach no store.
    Configuration conf = s3a(Map.of("fs.s3a.endpoint", "http://127.0.0.1:" + closedPort()));

    assertThatCode(() -> StorageCheck.reach(conf, List.of(temp.resolve("in.jsonl").toString(),
        temp.resolve("out").toUri().toString()))).doesNotThrowAnyException();
  }

  @Test
  void aStoreThatNeverAnswersIsCutOffAtTheDeadline() throws IOException, InterruptedException {
    // A listener that accepts connections and never answers, as a black-holed endpoint behaves.
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      String endpoint = "http://127.0.0.1:" + silent.getLocalPort();
      Configuration conf = s3a(Map.of("fs.s3a.endpoint", endpoint));

      long start = System.nanoTime();
      Throwable thrown = catchThrowable(() -> StorageCheck.reach(conf, List.of("s3a://" + BUCKET + "/in"),
          Duration.ofSeconds(2)));
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      assertThat(took).isLessThan(Duration.ofSeconds(10));
      assertThat(thrown).hasMessage("Cannot reach s3a://" + BUCKET + "/in: no answer from " + endpoint
          + " (fs.s3a.endpoint) within 2 s; check the endpoint and network");
    }
  }
}

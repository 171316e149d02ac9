package dev.endoreward.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A real S3-compatible server for tests: s3proxy with in-memory storage ({@code jclouds.provider=transient}),
 * run as its own JVM on 127.0.0.1 and a free port. Requests must be signed with {@link #ACCESS_KEY} and
 * {@link #SECRET_KEY} (AWS signature v2 or v4), as against real S3.
 *
 * <p>It runs out of process because its jar bundles its own AWS SDK, Jetty and SLF4J provider, which
 * must not meet Spark's on the test class path. Surefire passes the jar's location in the system property
 * {@value #JAR_PROPERTY}.
 */
public final class S3ProxyServer implements AutoCloseable {
  public static final String JAR_PROPERTY = "endoreward.s3proxy.jar";
  public static final String ACCESS_KEY = "endoreward-test-key";
  public static final String SECRET_KEY = "endoreward-test-secret";
  public static final String REGION = "us-east-1";

  private static final long START_TIMEOUT_MILLIS = 30_000;

  private final Process process;
  private final URI endpoint;
  private final Path log;
  // The SDK's own client, so that tests check what s3a wrote without going through s3a.
  private final S3Client client;

  private S3ProxyServer(Process process, URI endpoint, Path log) {
    this.process = process;
    this.endpoint = endpoint;
    this.log = log;
    this.client = S3Client.builder()
        .endpointOverride(endpoint)
        .region(Region.of(REGION))
        .forcePathStyle(true)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
        .build();
  }

  /**
   * Starts s3proxy with the JVM running the tests and returns once it answers HTTP.
   *
   * @param workDir where its properties file and log go
   */
  public static S3ProxyServer start(Path workDir) {
    Path jar = jar();
    try {
      Files.createDirectories(workDir);
      URI endpoint = URI.create("http://127.0.0.1:" + freePort());
      Properties properties = new Properties();
      properties.setProperty("s3proxy.endpoint", endpoint.toString());
      properties.setProperty("s3proxy.authorization", "aws-v2-or-v4");
      properties.setProperty("s3proxy.identity", ACCESS_KEY);
      properties.setProperty("s3proxy.credential", SECRET_KEY);
      properties.setProperty("jclouds.provider", "transient");
      Path propertiesFile = workDir.resolve("s3proxy.properties");
      try (var out = Files.newBufferedWriter(propertiesFile, StandardCharsets.UTF_8)) {
        properties.store(out, null);
      }
      Path log = workDir.resolve("s3proxy.log");
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.add("-Xmx256m");
      command.add("-jar");
      command.add(jar.toString());
      command.add("--properties");
      command.add(propertiesFile.toString());
      ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
      builder.environment().put("LOG_LEVEL", "warn");
      S3ProxyServer server = new S3ProxyServer(builder.start(), endpoint, log);
      server.awaitAnswer();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start s3proxy from " + jar, e);
    }
  }

  /** {@code http://127.0.0.1:<port>}. */
  public URI endpoint() {
    return endpoint;
  }

  /**
   * The Hadoop settings that point {@code s3a://} at this server. Spark users set the same keys with the
   * {@code spark.hadoop.} prefix.
   */
  public Map<String, String> s3aSettings() {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("fs.s3a.endpoint", endpoint.toString());
    settings.put("fs.s3a.endpoint.region", REGION);
    settings.put("fs.s3a.path.style.access", "true");
    settings.put("fs.s3a.connection.ssl.enabled", "false");
    settings.put("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
    settings.put("fs.s3a.access.key", ACCESS_KEY);
    settings.put("fs.s3a.secret.key", SECRET_KEY);
    return settings;
  }

  /** Creates a bucket; s3a cannot, as buckets are not folders. */
  public void createBucket(String bucket) {
    client.createBucket(request -> request.bucket(bucket));
  }

  /** Stores one object, as any S3 client would upload it. */
  public void putObject(String bucket, String key, byte[] content) {
    client.putObject(request -> request.bucket(bucket).key(key), RequestBody.fromBytes(content));
  }

  /** Deletes one object. */
  public void deleteObject(String bucket, String key) {
    client.deleteObject(request -> request.bucket(bucket).key(key));
  }

  /** The keys of every object under {@code prefix}, sorted. */
  public List<String> keys(String bucket, String prefix) {
    List<String> keys = new ArrayList<>();
    for (S3Object object : client.listObjectsV2Paginator(request -> request.bucket(bucket).prefix(prefix)).contents()) {
      keys.add(object.key());
    }
    keys.sort(null);
    return keys;
  }

  /** One object's content. */
  public byte[] getObject(String bucket, String key) {
    return client.getObjectAsBytes(request -> request.bucket(bucket).key(key)).asByteArray();
  }

  /** Stops the server; everything it stored is gone. */
  @Override
  public void close() {
    client.close();
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static Path jar() {
    String property = System.getProperty(JAR_PROPERTY);
    if (property == null) {
      throw new IllegalStateException("Cannot start s3proxy: system property " + JAR_PROPERTY
          + " is not set (Surefire sets it to the jar in the local Maven repository)");
    }
    Path jar = Path.of(property);
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("Cannot start s3proxy: no jar at " + jar + " (run mvn test-compile once online)");
    }
    return jar;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  /** Any HTTP answer will do: an unsigned request is refused with 403, which proves the server is up. */
  private void awaitAnswer() {
    long deadline = System.currentTimeMillis() + START_TIMEOUT_MILLIS;
    while (System.currentTimeMillis() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("Cannot start s3proxy: it exited with code " + process.exitValue()
            + "\n" + logText());
      }
      try {
        HttpURLConnection connection = (HttpURLConnection) endpoint.toURL().openConnection();
        connection.setConnectTimeout(1_000);
        connection.setReadTimeout(1_000);
        connection.getResponseCode();
        connection.disconnect();
        return;
      } catch (IOException notYet) {
        sleep(100);
      }
    }
    close();
    throw new IllegalStateException("Cannot start s3proxy: no answer at " + endpoint + " within "
        + START_TIMEOUT_MILLIS / 1000 + " s\n" + logText());
  }

  private String logText() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Cannot start s3proxy: interrupted", e);
    }
  }
}

package dev.endoreward.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Spark standalone cluster on 127.0.0.1 for tests: a master and workers, each its own JVM started from
 * the Spark jars the build uses, and stopped by their PIDs. {@link #sparkHome()} is a stand-in Spark
 * installation: {@code jars/} links to those jars (workers build executors' class paths from it) and
 * {@code bin/spark-submit} runs Spark's {@code SparkSubmit} from them, as a distribution's script does, so
 * that the project's submit scripts run unchanged.
 */
public final class StandaloneCluster implements AutoCloseable {
  /** Where Failsafe says the build wrote its class path (the pom's local-run-classpath). */
  public static final String CLASSPATH_PROPERTY = "endoreward.classpath.file";
  /** Spark's JVM options for Java 17 (the pom's spark.add.opens), which a distribution's launcher adds. */
  public static final String ADD_OPENS_PROPERTY = "endoreward.spark.add.opens";

  private static final long START_TIMEOUT_MILLIS = 60_000;

  private final Path sparkHome;
  private final int masterPort;
  private final int masterUiPort;
  private final List<Path> workDirs;
  private final List<Process> processes = new ArrayList<>();

  private StandaloneCluster(Path sparkHome, int masterPort, int masterUiPort, List<Path> workDirs) {
    this.sparkHome = sparkHome;
    this.masterPort = masterPort;
    this.masterUiPort = masterUiPort;
    this.workDirs = workDirs;
  }

  /**
   * Starts a master and {@code workers} workers of {@code cores} cores and {@code memory} each (e.g. "1536m"),
   * and returns once every worker has registered.
   *
   * @param dir where the installation, the logs and the workers' folders go
   */
  public static StandaloneCluster start(Path dir, int workers, int cores, String memory) {
    try {
      Path home = installation(dir.resolve("spark-home"));
      List<Path> workDirs = new ArrayList<>();
      for (int i = 0; i < workers; i++) {
        workDirs.add(Files.createDirectories(dir.resolve("worker-" + i)));
      }
      StandaloneCluster cluster = new StandaloneCluster(home, freePort(), freePort(), workDirs);
      try {
        cluster.launch(dir, "master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
            "--port", String.valueOf(cluster.masterPort), "--webui-port", String.valueOf(cluster.masterUiPort));
        for (int i = 0; i < workers; i++) {
          cluster.launch(dir, "worker-" + i, "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
              "--cores", String.valueOf(cores), "--memory", memory, "--webui-port", String.valueOf(freePort()),
              "--work-dir", workDirs.get(i).toString(), cluster.masterUrl());
        }
        cluster.awaitWorkers(workers);
      } catch (RuntimeException e) {
        cluster.close();
        throw e;
      }
      return cluster;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start a Spark standalone cluster in " + dir, e);
    }
  }

  /** {@code spark://127.0.0.1:<port>}. */
  public String masterUrl() {
    return "spark://127.0.0.1:" + masterPort;
  }

  /** The stand-in Spark installation, for {@code SPARK_HOME}. */
  public Path sparkHome() {
    return sparkHome;
  }

  /** The workers' folders: {@code <app id>/<executor id>/stderr} holds each executor's log. */
  public List<Path> workDirs() {
    return workDirs;
  }

  /** The executor JVMs running now, on any worker. */
  public List<ProcessHandle> executors() {
    List<ProcessHandle> executors = new ArrayList<>();
    for (Process process : processes.subList(1, processes.size())) {
      process.toHandle().children().filter(ProcessHandle::isAlive).forEach(executors::add);
    }
    return executors;
  }

  /** The environment every JVM of the cluster runs with: Spark on loopback, DJL offline. */
  public Map<String, String> environment() {
    return Map.of("SPARK_HOME", sparkHome.toString(), "SPARK_SCALA_VERSION", "2.13", "SPARK_LOCAL_IP", "127.0.0.1",
        "DJL_OFFLINE", "true", "OPT_OUT_TRACKING", "true");
  }

  /** Stops the workers' executors, the workers, then the master, each by its PID. */
  @Override
  public void close() {
    for (ProcessHandle executor : executors()) {
      executor.destroyForcibly();
    }
    for (int i = processes.size() - 1; i >= 0; i--) {
      Process process = processes.get(i);
      process.destroy();
      try {
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  private static Path installation(Path home) throws IOException {
    String property = System.getProperty(CLASSPATH_PROPERTY);
    if (property == null) {
      throw new IllegalStateException("Cannot build a Spark installation: system property " + CLASSPATH_PROPERTY
          + " is not set (the pom sets it to the class path file of the package build)");
    }
    Path jars = Files.createDirectories(home.resolve("jars"));
    for (String jar : Files.readString(Path.of(property), StandardCharsets.UTF_8).strip().split(":")) {
      Path target = Path.of(jar);
      Path link = jars.resolve(target.getFileName());
      if (!Files.exists(link)) {
        Files.createSymbolicLink(link, target);
      }
    }
    Path submit = Files.createDirectories(home.resolve("bin")).resolve("spark-submit");
    Files.writeString(submit, "#!/bin/sh\n"
        + "# spark-submit of this stand-in installation: Spark's SparkSubmit, on the jars beside it, in client mode.\n"
        + "exec '" + java() + "' -Xmx1g " + System.getProperty(ADD_OPENS_PROPERTY, "")
        + " -cp \"$SPARK_HOME/jars/*\" org.apache.spark.deploy.SparkSubmit \"$@\"\n");
    Files.setPosixFilePermissions(submit, PosixFilePermissions.fromString("rwxr-xr-x"));
    return home;
  }

  private void launch(Path dir, String name, String mainClass, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(java(), "-Xmx256m", "-cp", sparkHome.resolve("jars") + "/*",
        mainClass));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve(name + ".log").toFile());
    builder.environment().putAll(environment());
    processes.add(builder.start());
  }

  private void awaitWorkers(int workers) {
    ObjectMapper json = new ObjectMapper();
    long deadline = System.currentTimeMillis() + START_TIMEOUT_MILLIS;
    while (System.currentTimeMillis() < deadline) {
      for (Process process : processes) {
        if (!process.isAlive()) {
          throw new IllegalStateException("Cannot start the cluster: a JVM exited with " + process.exitValue());
        }
      }
      try {
        JsonNode state = json.readTree(URI.create("http://127.0.0.1:" + masterUiPort + "/json/").toURL());
        if (state.get("aliveworkers").asInt() == workers) {
          return;
        }
      } catch (IOException notYet) {
        // the master's web UI is not up yet
      }
      sleep(200);
    }
    throw new IllegalStateException("Cannot start the cluster: " + workers + " workers did not register within "
        + START_TIMEOUT_MILLIS / 1000 + " s");
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Cannot start the cluster: interrupted", e);
    }
  }
}

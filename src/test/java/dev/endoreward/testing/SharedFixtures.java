package dev.endoreward.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.endoreward.Sha256;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Test fixtures built from {@code ../shared} at test time, once per checkout, and a Python
 * runner. Fixtures live under {@code target/} of the project (not the per-build output folder),
 * so parallel builds share them; a file lock makes sure only one process builds each.
 */
public final class SharedFixtures {
  private static final long EXPORT_TIMEOUT_MINUTES = 10;
  private static final Object JVM_LOCK = new Object();
  /** What an exported fixture is built from, relative to the project folder; a change rebuilds it. */
  private static final List<String> EXPORTER_SOURCES =
      List.of("src/main/python/endoreward_export", "src/main/python/requirements.txt");
  /** Beside the exporter, what the Hugging Face fixture's models and references come from. */
  private static final List<String> HF_FIXTURE_SOURCES = List.of("src/test/python/hf_families.py",
      "src/test/python/hf_fixture.py", "src/test/python/reference_rewards.py");
  /** The fingerprint of a fixture's sources, written into the fixture folder once it is built. */
  private static final String SOURCES_FINGERPRINT_FILE = ".sources-sha256";

  private SharedFixtures() {}

  /** The project's root folder (the one holding pom.xml). */
  public static Path projectDir() {
    Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    for (Path candidate = dir; candidate != null; candidate = candidate.getParent()) {
      if (Files.isRegularFile(candidate.resolve("pom.xml"))
          && Files.isDirectory(candidate.resolve("src/main/java/dev/endoreward"))) {
        return candidate;
      }
    }
    throw new IllegalStateException("Cannot find the project folder above " + dir);
  }

  /**
   * The read-only shared data folder: system property {@code endoreward.shared} (Surefire sets
   * it), else {@code ../shared} beside the project.
   */
  public static Path sharedDir() {
    String property = System.getProperty("endoreward.shared");
    Path dir = property != null ? Path.of(property) : projectDir().resolve("../shared");
    dir = dir.toAbsolutePath().normalize();
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException("Cannot find the shared data folder: " + dir);
    }
    return dir;
  }

  /**
   * The stories260K model exported as an artefact folder ({@code target/artefacts/stories260K}).
   * Runs {@code jobs/export-model.sh} once, and again when the exporter changed.
   */
  public static Path storiesArtefact() {
    Path models = sharedDir().resolve("models/stories260K");
    return buildOnce(
        projectDir().resolve("target/artefacts/stories260K"),
        "manifest.json",
        EXPORTER_SOURCES,
        output ->
            runCommand(
                List.of(
                    "bash",
                    projectDir().resolve("jobs/export-model.sh").toString(),
                    "--format",
                    "llama2c",
                    "--checkpoint",
                    models.resolve("stories260K.bin").toString(),
                    "--tokenizer",
                    models.resolve("tok512.bin").toString(),
                    "--output",
                    output.toString()),
                "",
                EXPORT_TIMEOUT_MINUTES));
  }

  /**
   * A copy of {@link #storiesArtefact()} in {@code folder}, for tests that edit it or need a model path
   * of their own.
   */
  public static Path copyOfStoriesArtefact(Path folder) {
    try {
      Files.createDirectories(folder);
      try (Stream<Path> files = Files.list(storiesArtefact())) {
        for (Path file : files.toList()) {
          Files.copy(file, folder.resolve(file.getFileName()));
        }
      }
      return folder;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Small random Hugging Face models of several families, each exported in every dtype, with pairs and their
   * float64 reference rewards ({@code target/artefacts/hf-families}, described by its {@code cases.json}).
   * Runs {@code src/test/python/hf_fixture.py} once, and again when it or the exporter changed.
   */
  public static Path hfFamilies() {
    List<String> sources = new ArrayList<>(EXPORTER_SOURCES);
    sources.addAll(HF_FIXTURE_SOURCES);
    return buildOnce(
        projectDir().resolve("target/artefacts/hf-families"),
        "cases.json",
        sources,
        output -> runPython(List.of("src/test/python/hf_fixture.py", "--output", output.toString()), ""));
  }

  /**
   * Records a changed file's new sha256 in the artefact's manifest, as someone covering up a change
   * would; what the hashes then cannot catch, the loader's other checks must.
   */
  public static void rehash(Path artefact, String file) {
    try {
      Path manifest = artefact.resolve("manifest.json");
      ObjectMapper json = new ObjectMapper();
      ObjectNode root = (ObjectNode) json.readTree(manifest.toFile());
      ((ObjectNode) root.get("files")).put(file, Sha256.of(artefact.resolve(file)));
      json.writeValue(manifest.toFile(), root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Edits an artefact's {@code selftest.json} (and re-hashes it) as if the exporter had computed every
   * logsumexp of the first sequence ten tolerances lower: what a runtime that computes other numbers
   * looks like from the loader's side.
   */
  public static void skewSelfTest(Path artefact) {
    try {
      Path file = artefact.resolve("selftest.json");
      ObjectMapper json = new ObjectMapper();
      ObjectNode selfTest = (ObjectNode) json.readTree(file.toFile());
      double tolerance = selfTest.get("tolerance").asDouble();
      ArrayNode first = (ArrayNode) selfTest.get("logsumexp").get(0);
      for (int t = 0; t < first.size(); t++) {
        first.set(t, first.get(t).asDouble() - 10 * tolerance);
      }
      json.writeValue(file.toFile(), selfTest);
      rehash(artefact, "selftest.json");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Keeps an artefact's self-test sequences inside a smaller vocabulary (ids modulo {@code vocabSize}), for
   * tests that shrink the manifest's {@code vocab_size}; the expected outputs no longer match.
   */
  public static void foldSelfTestIds(Path artefact, int vocabSize) {
    try {
      Path file = artefact.resolve("selftest.json");
      ObjectMapper json = new ObjectMapper();
      ObjectNode selfTest = (ObjectNode) json.readTree(file.toFile());
      for (JsonNode sequence : selfTest.get("input_ids")) {
        for (int t = 0; t < sequence.size(); t++) {
          ((ArrayNode) sequence).set(t, sequence.get(t).asInt() % vocabSize);
        }
      }
      json.writeValue(file.toFile(), selfTest);
      rehash(artefact, "selftest.json");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A tokenizer folder ({@code target/fixtures/phi-3-mini}) with phi-3-mini's
   * {@code tokenizer.json} and {@code tokenizer_config.json} (BPE with byte fallback, added
   * control tokens with {@code rstrip}, a chat template).
   */
  public static Path phi3Artefact() {
    Path source = sharedDir().resolve("tokenizers/phi-3-mini");
    return buildOnce(
        projectDir().resolve("target/fixtures/phi-3-mini"),
        "tokenizer_config.json",
        List.of(),
        output -> {
          Path staging = output.resolveSibling(output.getFileName() + ".staging");
          deleteRecursively(staging);
          Files.createDirectories(staging);
          // The marker file goes last, so a folder that has it is complete.
          Files.copy(source.resolve("tokenizer.json"), staging.resolve("tokenizer.json"));
          Files.copy(
              source.resolve("tokenizer_config.json"), staging.resolve("tokenizer_config.json"));
          Files.move(staging, output, StandardCopyOption.ATOMIC_MOVE);
        });
  }

  /**
   * Runs {@code jobs/python.sh args} (the project's interpreter) in the project folder with
   * {@code PYTHONPATH=src/main/python:src/demo/python:src/test/python} and
   * {@code ENDOREWARD_SHARED} set, feeding {@code stdin}; returns stdout.
   *
   * @throws IllegalStateException with stderr if Python exits non-zero
   */
  public static String runPython(List<String> args, String stdin) {
    List<String> command = new ArrayList<>();
    command.add(projectDir().resolve("jobs/python.sh").toString());
    command.addAll(args);
    return runCommand(command, stdin, EXPORT_TIMEOUT_MINUTES);
  }

  private interface FolderBuilder {
    void build(Path output) throws IOException;
  }

  /**
   * {@code folder}, built by {@code builder} unless it has {@code marker} and was built from the current
   * contents of {@code sources} (files or folders, relative to the project folder).
   */
  private static Path buildOnce(Path folder, String marker, List<String> sources, FolderBuilder builder) {
    String fingerprint = fingerprint(sources);
    if (isBuilt(folder, marker, fingerprint)) {
      return folder;
    }
    synchronized (JVM_LOCK) {
      Path lockFile = folder.resolveSibling("." + folder.getFileName() + ".lock");
      try {
        Files.createDirectories(folder.getParent());
        try (FileChannel channel =
                FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.lock()) {
          if (!isBuilt(folder, marker, fingerprint)) {
            deleteRecursively(folder); // a half-built folder, or one built from other sources
            builder.build(folder);
            if (Files.isRegularFile(folder.resolve(marker))) {
              Files.writeString(folder.resolve(SOURCES_FINGERPRINT_FILE), fingerprint);
            }
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot build test fixture " + folder, e);
      }
    }
    if (!Files.isRegularFile(folder.resolve(marker))) {
      throw new IllegalStateException(
          "Cannot build test fixture " + folder + ": no " + marker + " after building it");
    }
    return folder;
  }

  private static boolean isBuilt(Path folder, String marker, String fingerprint) {
    try {
      Path recorded = folder.resolve(SOURCES_FINGERPRINT_FILE);
      return Files.isRegularFile(folder.resolve(marker))
          && Files.isRegularFile(recorded)
          && Files.readString(recorded).equals(fingerprint);
    } catch (IOException e) {
      return false;
    }
  }

  /** sha256 over the relative path and sha256 of every file under {@code sources}, in path order. */
  private static String fingerprint(List<String> sources) {
    Path project = projectDir();
    StringBuilder listing = new StringBuilder();
    for (String source : sources) {
      try (Stream<Path> walk = Files.walk(project.resolve(source))) {
        for (Path file : walk.filter(Files::isRegularFile)
            .filter(f -> !f.toString().contains("__pycache__")).sorted().toList()) {
          listing.append(project.relativize(file)).append(' ').append(Sha256.of(file)).append('\n');
        }
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot fingerprint test fixture sources " + source, e);
      }
    }
    return Sha256.of(listing.toString());
  }

  private static String runCommand(List<String> command, String stdin, long timeoutMinutes) {
    Path project = projectDir();
    ProcessBuilder builder = new ProcessBuilder(command).directory(project.toFile());
    builder
        .environment()
        .put(
            "PYTHONPATH",
            String.join(
                ":",
                project.resolve("src/main/python").toString(),
                project.resolve("src/demo/python").toString(),
                project.resolve("src/test/python").toString()));
    builder.environment().put("ENDOREWARD_SHARED", sharedDir().toString());
    builder.environment().put("DJL_OFFLINE", "true");
    builder.environment().put("OPT_OUT_TRACKING", "true");
    try {
      Process process = builder.start();
      CompletableFuture<byte[]> stdout = drain(process.getInputStream());
      CompletableFuture<byte[]> stderr = drain(process.getErrorStream());
      try (OutputStream in = process.getOutputStream()) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      if (!process.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new IllegalStateException(
            "Cannot run " + command + ": no exit after " + timeoutMinutes + " minutes");
      }
      String out = new String(stdout.join(), StandardCharsets.UTF_8);
      String err = new String(stderr.join(), StandardCharsets.UTF_8);
      if (process.exitValue() != 0) {
        throw new IllegalStateException(
            "Cannot run "
                + command
                + ": exit code "
                + process.exitValue()
                + "\n--- stderr ---\n"
                + err
                + "\n--- stdout ---\n"
                + out);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Cannot run " + command + ": interrupted", e);
    }
  }

  private static CompletableFuture<byte[]> drain(InputStream stream) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (InputStream in = stream) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            in.transferTo(bytes);
            return bytes.toByteArray();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        },
        // Own threads: the common pool may have a single thread, and both pipes must drain.
        task -> {
          Thread thread = new Thread(task, "fixture-pipe-drain");
          thread.setDaemon(true);
          thread.start();
        });
  }

  private static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path each : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(each);
      }
    }
  }
}

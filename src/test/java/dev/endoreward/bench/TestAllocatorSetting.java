package dev.endoreward.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.endoreward.testing.SharedFixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The allocator setting that jobs/common.sh gives every JVM it starts ({@code use_allocator}): the environment
 * it leaves with and without a jemalloc library, and the rewards of real JVMs started on each allocator.
 */
class TestAllocatorSetting {
  private static final Path COMMON = SharedFixtures.projectDir().resolve("jobs/common.sh");
  private static final String KEEP_PAGES = "dirty_decay_ms:-1,muzzy_decay_ms:-1";
  private static final Path DEBIAN_JEMALLOC = Path.of("/usr/lib/x86_64-linux-gnu/libjemalloc.so.2");
  private static final String UNSET = "<unset>";
  private static final List<String> ALLOCATOR_VARIABLES =
      List.of("LD_PRELOAD", "MALLOC_CONF", "MALLOC_ARENA_MAX", "MALLOC_MMAP_MAX_", "MALLOC_TRIM_THRESHOLD_");
  private static final String SIXTEEN_GIB = "17179869184";

  @TempDir
  Path dir;

  private Path library;
  private Path bin;

  private record Result(int exitCode, String stdout, String stderr) {
    List<String> lines() {
      return stdout.lines().toList();
    }
  }

  @BeforeEach
  void standIns() throws IOException {
    library = Files.writeString(dir.resolve("libjemalloc.so.2"), "");
    // A uname for a machine without Debian's library folder, so that the default library is absent.
    bin = Files.createDirectories(dir.resolve("bin"));
    Path uname = Files.writeString(bin.resolve("uname"), "#!/bin/sh\necho no-such-arch\n");
    Files.setPosixFilePermissions(uname, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  /** Sources jobs/common.sh, runs use_allocator, then prints the variables of {@link #ALLOCATOR_VARIABLES}. */
  private Result allocatorEnvironment(Map<String, String> environment) throws Exception {
    StringBuilder script = new StringBuilder("use_allocator; printf '%s\\n'");
    for (String variable : ALLOCATOR_VARIABLES) {
      script.append(" \"").append(variable).append("=${").append(variable).append("-").append(UNSET).append("}\"");
    }
    return bash(environment, script.toString());
  }

  private static List<String> variables(String ldPreload, String mallocConf, String arenaMax, String mmapMax,
      String trimThreshold) {
    List<String> values = List.of(ldPreload, mallocConf, arenaMax, mmapMax, trimThreshold);
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      lines.add(ALLOCATOR_VARIABLES.get(i) + "=" + values.get(i));
    }
    return lines;
  }

  private Result bash(Map<String, String> environment, String script, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("/bin/bash", "-c", "source \"$0\"; " + script, COMMON.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    ALLOCATOR_VARIABLES.forEach(builder.environment()::remove);
    builder.environment().remove("ENDOREWARD_MALLOC");
    builder.environment().remove("ENDOREWARD_JEMALLOC");
    builder.environment().putAll(environment);
    Path stdout = dir.resolve("stdout");
    Path stderr = dir.resolve("stderr");
    Process process = builder.redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
    assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("finished").isTrue();
    return new Result(process.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
        Files.readString(stderr, StandardCharsets.UTF_8));
  }

  @Test
  void preloadsJemallocKeepingItsPagesByDefault() throws Exception {
    Result result = allocatorEnvironment(Map.of("ENDOREWARD_JEMALLOC", library.toString()));

    assertThat(result.exitCode()).isZero();
    assertThat(result.lines()).containsExactlyElementsOf(variables(library.toString(), KEEP_PAGES, UNSET, UNSET, UNSET));
  }

  @Test
  void keepsThePreloadsAndTheJemallocSettingsAlreadyGiven() throws Exception {
    Result result = allocatorEnvironment(Map.of("ENDOREWARD_JEMALLOC", library.toString(),
        "LD_PRELOAD", "/opt/lib/libother.so", "MALLOC_CONF", "narenas:2"));

    assertThat(result.lines()).containsExactlyElementsOf(
        variables(library + ":/opt/lib/libother.so", "narenas:2", UNSET, UNSET, UNSET));
  }

  @Test
  void keepsGlibcsFreedPagesWhereJemallocIsAbsent() throws Exception {
    Result result = allocatorEnvironment(Map.of("PATH", bin + ":" + System.getenv("PATH")));

    assertThat(result.exitCode()).isZero();
    assertThat(result.lines()).containsExactlyElementsOf(variables(UNSET, UNSET, "1", "0", SIXTEEN_GIB));
    assertThat(result.stderr()).isEmpty();
  }

  @Test
  void glibcIsChosenByName() throws Exception {
    Result result = allocatorEnvironment(Map.of("ENDOREWARD_MALLOC", "glibc", "ENDOREWARD_JEMALLOC", library.toString(),
        "MALLOC_ARENA_MAX", "4"));

    assertThat(result.lines()).containsExactlyElementsOf(variables(UNSET, UNSET, "4", "0", SIXTEEN_GIB));
  }

  @Test
  void systemLeavesTheAllocatorAlone() throws Exception {
    Result result = allocatorEnvironment(Map.of("ENDOREWARD_MALLOC", "system",
        "ENDOREWARD_JEMALLOC", library.toString()));

    assertThat(result.lines()).containsExactlyElementsOf(variables(UNSET, UNSET, UNSET, UNSET, UNSET));
  }

  @Test
  void aMissingNamedLibraryIsAnError() throws Exception {
    Path missing = dir.resolve("missing/libjemalloc.so.2");

    Result result = allocatorEnvironment(Map.of("ENDOREWARD_JEMALLOC", missing.toString()));

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.stderr()).isEqualTo("Cannot preload jemalloc: ENDOREWARD_JEMALLOC names " + missing
        + ", which is not a file\n");
  }

  @Test
  void anUnknownAllocatorIsAnError() throws Exception {
    Result result = allocatorEnvironment(Map.of("ENDOREWARD_MALLOC", "tcmalloc"));

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.stderr())
        .isEqualTo("Cannot choose the memory allocator: ENDOREWARD_MALLOC is 'tcmalloc'; use jemalloc, glibc or system\n");
  }

  @Test
  void everyAllocatorGivesTheSameRewards() throws Exception {
    assertThat(DEBIAN_JEMALLOC).as("Debian's libjemalloc2 (apt-get install libjemalloc2)").isRegularFile();
    SharedFixtures.storiesArtefact(); // exported here, once, rather than by a child JVM

    JsonNode onJemalloc = probe(Map.of());
    JsonNode onGlibcKeepingPages = probe(Map.of("ENDOREWARD_MALLOC", "glibc"));
    JsonNode onGlibcDefaults = probe(Map.of("ENDOREWARD_MALLOC", "system"));

    assertThat(onJemalloc.get("jemalloc_mapped").asBoolean()).isTrue();
    assertThat(onGlibcKeepingPages.get("jemalloc_mapped").asBoolean()).isFalse();
    assertThat(onGlibcDefaults.get("jemalloc_mapped").asBoolean()).isFalse();
    assertThat(onJemalloc.get("scored")).hasSizeGreaterThanOrEqualTo(8);
    assertThat(onGlibcKeepingPages.get("scored")).isEqualTo(onJemalloc.get("scored"));
    assertThat(onGlibcDefaults.get("scored")).isEqualTo(onJemalloc.get("scored"));
  }

  /** AllocatorProbe in a JVM that jobs/common.sh's allocator setting started, as exec_main starts the job. */
  private JsonNode probe(Map<String, String> environment) throws Exception {
    Result result = bash(environment, "use_allocator; exec java -Dai.djl.offline=true -DOPT_OUT_TRACKING=true"
        + " -Dendoreward.shared=\"$1\" -cp \"$2\" " + AllocatorProbe.class.getName() + " --comparisons 5",
        SharedFixtures.sharedDir().toString(), System.getProperty("java.class.path"));
    assertThat(result.exitCode()).as(result.stderr()).isZero();
    return new ObjectMapper().readTree(result.lines().get(result.lines().size() - 1));
  }
}

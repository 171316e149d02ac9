package dev.endoreward.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The launchers jobs/score.sh and jobs/submit-*.sh, run from a copy of the project's scripts and configs
 * (with a stand-in pom.xml and source) and a build folder of their own, with stand-ins for mvn, java and
 * spark-submit that record their arguments. The stand-in mvn builds what the pom's package build leaves:
 * the classes folder, classpath.txt and the jobs jar, in the folder -Dbuild.dir names.
 */
class TestJobScripts {
  private static final Path PROJECT = Path.of(System.getProperty("user.dir"));
  private static final String BASH = "/bin/bash";
  private static final List<String> SCORE_ARGS = List.of("--model", "m", "--input", "i", "--output", "o");
  private static final String DEPENDENCY = "/deps/dependency.jar";

  @TempDir
  Path dir;

  private Path root;
  private Path buildDir;
  private Path bin;

  private record Result(int exitCode, String stderr) {}

  @BeforeEach
  void copyProject() throws IOException {
    root = dir.resolve("project");
    for (String folder : List.of("jobs", "conf")) {
      Files.createDirectories(root.resolve(folder));
      try (Stream<Path> files = Files.list(PROJECT.resolve(folder))) {
        for (Path file : files.toList()) {
          Files.copy(file, root.resolve(folder).resolve(file.getFileName()));
        }
      }
    }
    Files.writeString(root.resolve("pom.xml"), "<project/>\n");
    Path sources = Files.createDirectories(root.resolve("src/main/java"));
    Files.writeString(sources.resolve("Example.java"), "class Example {}\n");
    // Sources written long before any build, as in a checkout that was built once.
    FileTime anHourAgo = FileTime.from(Instant.now().minus(1, ChronoUnit.HOURS));
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.toList()) {
        Files.setLastModifiedTime(path, anHourAgo);
      }
    }
    buildDir = Files.createDirectories(dir.resolve("build"));
    bin = Files.createDirectories(dir.resolve("bin"));
    writeExecutable(bin.resolve("java"), recorder("java"));
    writeExecutable(bin.resolve("spark-submit"), recorder("spark-submit"));
  }

  /** A script body that writes its arguments, one a line, to {@code dir/NAME.args}. */
  private String recorder(String name) {
    return "printf '%s\\n' \"$@\" > '" + dir.resolve(name + ".args") + "'\n";
  }

  private static void writeExecutable(Path file, String body) throws IOException {
    Files.writeString(file, "#!/bin/sh\n" + body);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  /** An mvn that appends its arguments to mvn.calls, one line a run, then builds or fails. */
  private void fakeMvn(boolean succeeds) throws IOException {
    String build = succeeds
        ? """
          for arg do case "$arg" in -Dbuild.dir=*) out="${arg#-Dbuild.dir=}" ;; esac; done
          mkdir -p "$out/classes"
          echo %s > "$out/classpath.txt"
          touch "$out/endoreward-0.1.0-jobs.jar"
          """.formatted(DEPENDENCY)
        : "exit 1\n";
    writeExecutable(bin.resolve("mvn"), "echo \"$*\" >> '" + dir.resolve("mvn.calls") + "'\n" + build);
  }

  private long mvnRuns() throws IOException {
    Path calls = dir.resolve("mvn.calls");
    return Files.exists(calls) ? Files.readAllLines(calls).size() : 0;
  }

  /** What the stand-in for {@code command} was given, or null when it did not run since the last call. */
  private List<String> argsOf(String command) throws IOException {
    Path args = dir.resolve(command + ".args");
    if (!Files.exists(args)) {
      return null;
    }
    List<String> lines = Files.readAllLines(args);
    Files.delete(args);
    return lines;
  }

  private Result run(String script, Path workDir, Map<String, String> extraEnv) throws Exception {
    List<String> command = Stream.concat(Stream.of(BASH, root.resolve("jobs").resolve(script).toString()),
        SCORE_ARGS.stream()).toList();
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
    Map<String, String> env = builder.environment();
    for (String name : List.of("JOBS_JAR", "SPARK_HOME", "SPARK_CONF_FILE", "DEPLOY_MODE", "ENDOREWARD_JAVA_OPTS",
        "SPARK_SUBMIT_OPTS_EXTRA", "ENDOREWARD_LOG_FILE")) {
      env.remove(name);
    }
    env.put("PATH", bin + ":/usr/bin:/bin");
    env.put("ENDOREWARD_BUILD_DIR", buildDir.toString());
    env.put("SPARK_MASTER", "spark://127.0.0.1:7077");
    env.putAll(extraEnv);
    Path stderr = dir.resolve("stderr");
    Process process = builder.redirectOutput(dir.resolve("stdout").toFile()).redirectError(stderr.toFile()).start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(process.exitValue(), Files.readString(stderr, StandardCharsets.UTF_8));
  }

  private Result run(String script) throws Exception {
    return run(script, dir, Map.of());
  }

  /** The command a launcher ends in: java for score.sh, spark-submit for the others. */
  private static String launched(String script) {
    return script.equals("score.sh") ? "java" : "spark-submit";
  }

  /** Gives {@code path} the current time as its modification time, as an editor saving it would. */
  private static void touch(Path path) throws Exception {
    Files.setLastModifiedTime(path, FileTime.from(Instant.now()));
    letTheFileClockTick();
  }

  /**
   * File times come from a clock that ticks every few milliseconds: a build started right after a change
   * could get the change's time, which would leave that build looking older than the change.
   */
  private static void letTheFileClockTick() throws InterruptedException {
    Thread.sleep(50);
  }

  @ParameterizedTest
  @ValueSource(strings = {"score.sh", "submit-standalone.sh", "submit-yarn.sh", "submit-k8s.sh"})
  void aFailedBuildStopsTheLauncher(String script) throws Exception {
    fakeMvn(false);

    Result result = run(script);

    assertThat(mvnRuns()).isEqualTo(1);
    assertThat(result.exitCode()).isNotZero();
    assertThat(result.stderr()).contains("Cannot build endoreward into " + buildDir + ": mvn failed");
    assertThat(argsOf("java")).isNull();
    assertThat(argsOf("spark-submit")).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"score.sh", "submit-standalone.sh"})
  void rebuildsOnlyWhenASourceIsNewerThanTheBuild(String script) throws Exception {
    fakeMvn(true);

    assertThat(run(script).exitCode()).isZero();
    assertThat(mvnRuns()).isEqualTo(1);
    assertThat(argsOf(launched(script))).isNotNull();

    assertThat(run(script).exitCode()).isZero();
    assertThat(mvnRuns()).as("runs with nothing changed").isEqualTo(1);
    assertThat(argsOf(launched(script))).isNotNull();

    touch(root.resolve("src/main/java/Example.java"));
    assertThat(run(script).exitCode()).isZero();
    assertThat(mvnRuns()).as("runs after a source was edited").isEqualTo(2);
    assertThat(run(script).exitCode()).isZero();
    assertThat(mvnRuns()).as("runs after the edit was built").isEqualTo(2);

    // Only the folder's time tells of a removed file.
    Files.delete(root.resolve("src/main/java/Example.java"));
    letTheFileClockTick();
    assertThat(run(script).exitCode()).isZero();
    assertThat(mvnRuns()).as("runs after a source was removed").isEqualTo(3);

    touch(root.resolve("pom.xml"));
    assertThat(run(script).exitCode()).isZero();
    assertThat(mvnRuns()).as("runs after the pom was edited").isEqualTo(4);
    assertThat(argsOf(launched(script))).isNotNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"score.sh", "submit-standalone.sh"})
  void buildsIntoTheBuildFolderWhenItHasNoBuild(String script) throws Exception {
    fakeMvn(true);

    assertThat(run(script).exitCode()).isZero();

    assertThat(Files.readString(dir.resolve("mvn.calls"))).contains("-Dbuild.dir=" + buildDir, "package");
    List<String> args = argsOf(launched(script));
    String expected = script.equals("score.sh")
        ? buildDir.resolve("classes") + ":" + DEPENDENCY
        : buildDir.resolve("endoreward-0.1.0-jobs.jar").toString();
    assertThat(args).contains(expected);
  }

  @ParameterizedTest
  @CsvSource({
      "score.sh, ENDOREWARD_JAVA_OPTS",
      "submit-standalone.sh, SPARK_SUBMIT_OPTS_EXTRA",
      "submit-yarn.sh, SPARK_SUBMIT_OPTS_EXTRA",
      "submit-k8s.sh, SPARK_SUBMIT_OPTS_EXTRA"})
  void optionListsReachTheCommandVerbatim(String script, String variable) throws Exception {
    fakeMvn(true);
    Path workDir = Files.createDirectories(dir.resolve("work"));
    for (String name : List.of("-Dx=file", "-Dy=1", "-Dz=a")) {
      Files.writeString(workDir.resolve(name), "");
    }

    Result result = run(script, workDir, Map.of(variable, " -Dx=*  -Dy=?\t\n-Dz=[ab] "));

    assertThat(result.exitCode()).as(result.stderr()).isZero();
    List<String> args = argsOf(launched(script));
    assertThat(args).containsSequence("-Dx=*", "-Dy=?", "-Dz=[ab]");
    assertThat(args).doesNotContain("-Dx=file", "-Dy=1", "-Dz=a", "");
  }

  /** The value of {@code -Dname=...} among {@code args}, or null. */
  private static String systemProperty(List<String> args, String name) {
    return args.stream().filter(arg -> arg.startsWith("-D" + name + "=")).map(arg -> arg.substring(name.length() + 3))
        .findFirst().orElse(null);
  }

  @Test
  void scoreGivesEachRunALogFileInTheTemporaryFolder() throws Exception {
    fakeMvn(true);
    Path tmp = Files.createDirectories(dir.resolve("tmp"));

    assertThat(run("score.sh", dir, Map.of("TMPDIR", tmp.toString())).exitCode()).isZero();

    String logFile = systemProperty(argsOf("java"), "endoreward.log.file");
    assertThat(logFile).matches(Pattern.quote(tmp.resolve("endoreward").toString()) + "/score-\\d{8}T\\d{6}-\\d+\\.log");
    assertThat(tmp.resolve("endoreward")).isDirectory();
  }

  @Test
  void scoreWritesTheLogFileThatTheEnvironmentNames() throws Exception {
    fakeMvn(true);
    Path logFile = dir.resolve("logs/mine.log");

    assertThat(run("score.sh", dir, Map.of("ENDOREWARD_LOG_FILE", logFile.toString())).exitCode()).isZero();

    assertThat(systemProperty(argsOf("java"), "endoreward.log.file")).isEqualTo(logFile.toString());
    assertThat(logFile.getParent()).isDirectory();
  }

  @Test
  void scoreTellsTheJobThatAFileIsNoTerminal() throws Exception {
    fakeMvn(true);

    assertThat(run("score.sh").exitCode()).isZero();

    assertThat(systemProperty(argsOf("java"), "endoreward.stderr.terminal")).isEqualTo("false");
  }

  @Test
  void scoreTellsTheJobWhenStderrIsATerminal() throws Exception {
    fakeMvn(true);
    // script(1) runs the launcher on a pseudo-terminal.
    String command = String.join(" ", Stream.concat(Stream.of(BASH, root.resolve("jobs/score.sh").toString()),
        SCORE_ARGS.stream()).toList());
    ProcessBuilder builder = new ProcessBuilder("script", "-qec", command, "/dev/null").directory(dir.toFile())
        .redirectInput(ProcessBuilder.Redirect.PIPE).redirectOutput(dir.resolve("script.out").toFile())
        .redirectErrorStream(true);
    Map<String, String> env = builder.environment();
    env.remove("ENDOREWARD_LOG_FILE");
    env.put("PATH", bin + ":/usr/bin:/bin");
    env.put("ENDOREWARD_BUILD_DIR", buildDir.toString());
    env.put("SPARK_MASTER", "spark://127.0.0.1:7077");
    Process process = builder.start();
    process.getOutputStream().close();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(Files.readString(dir.resolve("script.out"))).isZero();

    assertThat(systemProperty(argsOf("java"), "endoreward.stderr.terminal")).isEqualTo("true");
  }

  @Test
  void theBuildsOutputReachesTheConsoleWithoutColourCodes() throws Exception {
    fakeMvn(true);
    Path mvn = bin.resolve("mvn");
    String body = Files.readString(mvn).replaceFirst("#!/bin/sh\n", "");
    writeExecutable(mvn, "printf '\\033[0m\\033[1;33mWARNING\\033[m: a deprecated setting\\n'\n"
        + "printf '\\033[0m' >&2\n" + body);

    Result result = run("score.sh");

    assertThat(result.exitCode()).isZero();
    assertThat(result.stderr()).contains("WARNING: a deprecated setting").doesNotContain("\u001b");
    assertThat(Files.readString(dir.resolve("mvn.calls"))).contains("-Dstyle.color=never");
  }
}

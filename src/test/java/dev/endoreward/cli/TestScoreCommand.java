package dev.endoreward.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.endoreward.spark.Attempt;
import dev.endoreward.spark.InputException;
import dev.endoreward.spark.RunSummary;
import dev.endoreward.spark.config.ScoreConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.apache.spark.SparkException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * The command line without Spark: the session factory hands out no session and counts its calls, and
 * the runner records the configuration it was given.
 */
class TestScoreCommand {
  @TempDir
  Path dir;

  private final List<ScoreConfig> runs = new ArrayList<>();
  private int sessionsOpened;
  private Path defaultConf;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void noDefaultFile() {
    defaultConf = dir.resolve("no-such-default.properties");
  }

  private int execute(ScoreRunner runner, String... args) {
    CommandLine commandLine = Main.commandLine(runner, () -> {
      sessionsOpened++;
      return null;
    }, defaultConf);
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute(args);
  }

  private int execute(String... args) {
    return execute((spark, config) -> record(config), args);
  }

  private Path properties(String name, String text) throws IOException {
    return Files.writeString(dir.resolve(name), text);
  }

  @Test
  void validArgumentsRunTheJobOnceAndExitZero() {
    int code = execute("score", "--model", "/models/m", "--input", "in.jsonl", "--output", "out");

    assertThat(code).isZero();
    assertThat(err.toString()).isEmpty();
    assertThat(sessionsOpened).isEqualTo(1);
    assertThat(runs).hasSize(1);
    assertThat(runs.get(0).engine().artefactDir()).isEqualTo("/models/m");
    assertThat(runs.get(0).input().path()).isEqualTo("in.jsonl");
    assertThat(runs.get(0).output().path()).isEqualTo("out");
  }

  @Test
  void resumeFlagSetsOutputResumeAndItsAbsenceLeavesTheFile() throws IOException {
    Path conf = properties("job.properties", "output.resume=true\n");

    execute("score", "--model", "/m", "--input", "/i", "--output", "/o");
    execute("score", "--model", "/m", "--input", "/i", "--output", "/o", "--resume");
    execute("score", "--conf", conf.toString(), "--model", "/m", "--input", "/i", "--output", "/o");

    assertThat(runs).extracting(config -> config.output().resume()).containsExactly(false, true, true);
  }

  @Test
  void flagsBeatSetWhichBeatsTheConfFile() throws IOException {
    Path conf = properties("job.properties", "model.path=/file\ninput.path=/file-in\noutput.path=/file-out\n"
        + "reward.gamma=0.5\nbatch.max-rows=8\n");

    int code = execute("score", "--conf", conf.toString(), "--set", "model.path=/set", "--set", "reward.gamma=0.9",
        "--set", "output.path=/set-out", "--model", "/flag");

    assertThat(code).isZero();
    ScoreConfig config = runs.get(0);
    assertThat(config.engine().artefactDir()).isEqualTo("/flag");
    assertThat(config.output().path()).isEqualTo("/set-out");
    assertThat(config.input().path()).isEqualTo("/file-in");
    assertThat(config.engine().reward().gamma()).isEqualTo(0.9);
    assertThat(config.engine().budget().maxRowsPerBatch()).isEqualTo(8);
  }

  @Test
  void defaultConfFileIsReadWhenPresent() throws IOException {
    defaultConf = properties("score.properties", "job.partitions=7\n");

    execute("score", "--model", "/m", "--input", "/i", "--output", "/o");

    assertThat(runs.get(0).job().partitions()).isEqualTo(7);
  }

  @Test
  void confFlagReplacesTheDefaultFile() throws IOException {
    defaultConf = properties("score.properties", "job.partitions=7\nengine.threads=2\n");
    Path conf = properties("other.properties", "engine.threads=5\n");

    execute("score", "--conf", conf.toString(), "--model", "/m", "--input", "/i", "--output", "/o");

    assertThat(runs.get(0).job().partitions()).isZero();
    assertThat(runs.get(0).job().engineThreads()).isEqualTo(5);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "--input /i --output /o                                   | Cannot score without model.path",
      "--model /m --input /i --output /o --set reward.gamma=2   | Cannot set reward.gamma to '2': it must be in",
      "--model /m --input /i --output /o --set batch.max-tokns=1 | Cannot use unknown key 'batch.max-tokns'",
      "--model /m --input /i --output /o --set reward.alpha     | Cannot parse the assignment 'reward.alpha'",
      "--model /m --input /i --output /o --set template.mode=x  | Cannot set template.mode to 'x'",
      "--model /m --input /i --output /o --set template.variables={\"enable_thinking\":no} | Cannot set"
          + " template.variables to '{\"enable_thinking\":no}': not valid JSON",
      "--model /m --input /i --output /o --set template.variables={\"messages\":[]} | Cannot set"
          + " template.variables to '{\"messages\":[]}': 'messages' is set by the renderer itself",
      "--model /m --input /i --output /o --conf /no/such.properties | Cannot read config file /no/such.properties",
  })
  void badConfigurationExitsTwoWithoutStartingSpark(String args, String message) {
    List<String> argv = new ArrayList<>(List.of("score"));
    argv.addAll(List.of(args.strip().split("\\s+")));

    int code = execute(argv.toArray(String[]::new));

    assertThat(code).isEqualTo(ExitCodes.CONFIG_ERROR);
    assertThat(err.toString()).startsWith(message);
    assertThat(sessionsOpened).isZero();
    assertThat(runs).isEmpty();
  }

  @Test
  void badConfFileExitsTwo() throws IOException {
    Path conf = properties("bad.properties", "output.mode=sometimes\n");

    int code = execute("score", "--conf", conf.toString(), "--model", "/m", "--input", "/i", "--output", "/o");

    assertThat(code).isEqualTo(ExitCodes.CONFIG_ERROR);
    assertThat(err.toString()).startsWith("Cannot set output.mode to 'sometimes': use one of error-if-exists");
    assertThat(sessionsOpened).isZero();
  }

  @Test
  void unknownOptionExitsTwoWithASuggestion() {
    int code = execute("score", "--modle", "/m", "--input", "/i", "--output", "/o");

    assertThat(code).isEqualTo(ExitCodes.CONFIG_ERROR);
    assertThat(err.toString()).startsWith("Cannot parse the command line: Unknown options: '--modle', '/m'")
        .contains("Possible solutions: --model");
    assertThat(sessionsOpened).isZero();
  }

  @Test
  void strayArgumentExitsTwo() {
    int code = execute("score", "--model", "/m", "--input", "/i", "--output", "/o", "extra");

    assertThat(code).isEqualTo(ExitCodes.CONFIG_ERROR);
    assertThat(err.toString()).startsWith("Cannot parse the command line: ");
    assertThat(sessionsOpened).isZero();
  }

  @Test
  void missingCommandExitsTwo() {
    assertThat(execute()).isEqualTo(ExitCodes.CONFIG_ERROR);
    assertThat(err.toString())
        .startsWith("Cannot run without a command: use one of score, filter, best-of-n, pairs, offline-rl, eval");
  }

  @Test
  void unknownCommandExitsTwo() {
    assertThat(execute("rank")).isEqualTo(ExitCodes.CONFIG_ERROR);
    assertThat(err.toString()).startsWith("Cannot parse the command line: Unmatched argument");
  }

  @Test
  void helpExitsZeroAndListsTheOptions() {
    int code = execute("score", "--help");

    assertThat(code).isZero();
    assertThat(out.toString()).contains("--model=DIR", "--input=PATH", "--output=DIR", "--conf=FILE",
        "--set=KEY=VALUE", "--verbose", "Exit codes");
    assertThat(sessionsOpened).isZero();
  }

  /** A failure of the job, what the command line must print for it, and its exit code. */
  static Stream<Arguments> failures() {
    String reach = "Cannot reach s3a://b/in: connection refused by http://127.0.0.1:9 (fs.s3a.endpoint); check the"
        + " endpoint and network";
    AccessDeniedException denied = new AccessDeniedException("s3a://b/in", null, "getFileStatus: 403 Forbidden");
    return Stream.of(
        Arguments.of("input, from a task", new SparkException("Job aborted due to stage failure: Task 0 failed",
            new InputException("Cannot read input /data/a.jsonl, line 7: not JSON")), ExitCodes.CONFIG_ERROR,
            "Cannot read input /data/a.jsonl, line 7: not JSON"),
        Arguments.of("model", new IllegalArgumentException("Cannot load model /m: manifest.json is missing"),
            ExitCodes.CONFIG_ERROR, "Cannot load model /m: manifest.json is missing"),
        Arguments.of("unreachable storage", new IllegalArgumentException(reach, new ConnectException("refused")),
            ExitCodes.CONFIG_ERROR, reach),
        Arguments.of("credentials", new UncheckedIOException("Cannot check the output folder s3a://b/in: x", denied),
            ExitCodes.CONFIG_ERROR, "Cannot access s3a://b/in: access denied (getFileStatus: 403 Forbidden); check the"
                + " credentials (fs.s3a.access.key and fs.s3a.secret.key, or fs.s3a.aws.credentials.provider) and the"
                + " bucket's policy"),
        Arguments.of("a bug with a Cannot message",
            new IllegalStateException("Cannot score batch 3: CUDA out of memory\nat the second line"),
            ExitCodes.RUNTIME_FAILURE, "Cannot score batch 3: CUDA out of memory"),
        Arguments.of("a bug without one", new IOException("disk full"), ExitCodes.RUNTIME_FAILURE,
            "Cannot finish scoring: java.io.IOException: disk full"),
        Arguments.of("an error", new ExceptionInInitializerError("Scala module requires a newer Jackson"),
            ExitCodes.RUNTIME_FAILURE,
            "Cannot finish scoring: java.lang.ExceptionInInitializerError: Scala module requires a newer Jackson"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("failures")
  void aFailingJobPrintsOneLineAndTheStackTraceOnlyWithVerbose(String kind, Throwable thrown, int exitCode,
      String line) {
    ScoreRunner runner = throwing(thrown);
    String[] args = {"score", "--model", "/m", "--input", "/i", "--output", "/o"};

    int code = execute(runner, args);
    String quiet = err.toString();
    err.getBuffer().setLength(0);
    int verboseCode = execute(runner, append(args, "--verbose"));
    String verbose = err.toString();

    assertThat(code).isEqualTo(exitCode);
    assertThat(quiet).isEqualTo(line + System.lineSeparator());
    assertThat(verboseCode).isEqualTo(exitCode);
    assertThat(verbose).startsWith(line + System.lineSeparator())
        .contains(thrown.getClass().getName(), "\tat dev.endoreward.cli.TestScoreCommand");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("failures")
  void aFailureGoesToTheFailureLoggerAndAnInternalOneSaysWhichFile(String kind, Throwable thrown, int exitCode,
      String line) {
    String previous = System.getProperty(Main.LOG_FILE_PROPERTY);
    System.setProperty(Main.LOG_FILE_PROPERTY, "/tmp/endoreward/score-20261201T092001Z.log");
    try (LoggedFailures logged = LoggedFailures.capture()) {
      int code = execute(throwing(thrown), "score", "--model", "/m", "--input", "/i", "--output", "/o");

      String hint = exitCode == ExitCodes.RUNTIME_FAILURE
          ? "; the stack trace is in /tmp/endoreward/score-20261201T092001Z.log" : "";
      assertThat(code).isEqualTo(exitCode);
      assertThat(err.toString()).isEqualTo(line + hint + System.lineSeparator());
      assertThat(logged.events()).singleElement().satisfies(event -> {
        assertThat(event.getLevel()).isEqualTo(Level.ERROR);
        assertThat(event.getMessage().getFormattedMessage()).isEqualTo(line);
        assertThat(event.getThrown()).isSameAs(thrown);
      });
    } finally {
      if (previous == null) {
        System.clearProperty(Main.LOG_FILE_PROPERTY);
      } else {
        System.setProperty(Main.LOG_FILE_PROPERTY, previous);
      }
    }
  }

  /** Collects what reaches the failure logger while open. */
  private static final class LoggedFailures extends AbstractAppender implements AutoCloseable {
    private final List<LogEvent> events = new CopyOnWriteArrayList<>();
    private final org.apache.logging.log4j.core.Logger logger;

    private LoggedFailures(org.apache.logging.log4j.core.Logger logger) {
      super("failures", null, null, true, Property.EMPTY_ARRAY);
      this.logger = logger;
    }

    static LoggedFailures capture() {
      LoggedFailures appender = new LoggedFailures(
          (org.apache.logging.log4j.core.Logger) LogManager.getLogger(FailureReport.LOGGER));
      appender.start();
      appender.logger.addAppender(appender);
      return appender;
    }

    @Override
    public void append(LogEvent event) {
      events.add(event.toImmutable());
    }

    List<LogEvent> events() {
      return events;
    }

    @Override
    public void close() {
      logger.removeAppender(this);
      stop();
    }
  }

  private static ScoreRunner throwing(Throwable thrown) {
    return (spark, config) -> {
      if (thrown instanceof Error error) {
        throw error;
      }
      throw (Exception) thrown;
    };
  }

  private static String[] append(String[] args, String more) {
    String[] longer = Arrays.copyOf(args, args.length + 1);
    longer[args.length] = more;
    return longer;
  }

  @Test
  void sparkThatCannotStartExitsOne() {
    CommandLine commandLine = Main.commandLine((spark, config) -> record(config), () -> {
      throw new IllegalStateException("Cannot assign requested address");
    }, defaultConf);
    commandLine.setErr(new PrintWriter(err, true));

    int code = commandLine.execute("score", "--model", "/m", "--input", "/i", "--output", "/o");

    assertThat(code).isEqualTo(ExitCodes.RUNTIME_FAILURE);
    assertThat(err.toString()).startsWith("Cannot assign requested address");
    assertThat(runs).isEmpty();
  }

  @Test
  void defaultConfFileFollowsTheHomeProperty() {
    String previous = System.getProperty(Main.HOME_PROPERTY);
    try {
      System.setProperty(Main.HOME_PROPERTY, "/opt/endoreward");
      assertThat(SettingsOptions.defaultConfFile("score")).isEqualTo(Path.of("/opt/endoreward/conf/score.properties"));
      System.clearProperty(Main.HOME_PROPERTY);
      assertThat(SettingsOptions.defaultConfFile("score")).isEqualTo(Path.of("conf/score.properties"));
    } finally {
      if (previous != null) {
        System.setProperty(Main.HOME_PROPERTY, previous);
      }
    }
  }

  private RunSummary record(ScoreConfig config) {
    runs.add(config);
    return new RunSummary("run", config.output().path(), 1, 0, 0, 0, Map.of(), 0, 0, 0,
        List.of(new Attempt(1, "now", true, 0, 1, 0, 0, 0, 0, 0)), Map.of(), config.asMap());
  }
}

package dev.endoreward.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.endoreward.spark.InputException;
import dev.endoreward.testing.SparkTestBase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function0;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failures as a Spark job delivers them to the driver: a task's exception after Spark serialized it (or
 * could not), and Spark's own errors for files it cannot read.
 */
class TestFailureFromSpark extends SparkTestBase {
  @TempDir Path temp;

  /** A cause Java serialization refuses, as a task's exception may carry: Spark then sends only its text. */
  static final class UnserializableCause extends RuntimeException {
    private static final long serialVersionUID = 1L;
    @SuppressWarnings({"unused", "serial"})
    private final Object lock = new Object();

    UnserializableCause(String message) {
      super(message);
    }
  }

  /** What the driver gets when each task throws what {@code thrown} makes, there. */
  private static Throwable failingTask(Function0<RuntimeException> thrown) {
    JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
    return catchThrowable(() -> context.parallelize(List.of(1, 2), 2).foreach(i -> {
      throw thrown.call();
    }));
  }

  private static List<Throwable> causes(Throwable thrown) {
    List<Throwable> causes = new ArrayList<>();
    for (Throwable cause = thrown; cause != null && !causes.contains(cause); cause = cause.getCause()) {
      causes.add(cause);
    }
    return causes;
  }

  @Test
  void anInputExceptionInATaskIsTheUsers() {
    Throwable thrown = failingTask(() -> new InputException("Cannot read input /data/a.jsonl, line 7: not JSON"));

    assertThat(thrown).isInstanceOf(SparkException.class);
    assertThat(causes(thrown)).anyMatch(InputException.class::isInstance);
    assertThat(Failure.of(thrown, "scoring")).isEqualTo(new Failure(ExitCodes.CONFIG_ERROR,
        "Cannot read input /data/a.jsonl, line 7: not JSON"));
  }

  @Test
  void anInputExceptionThatSparkCouldNotSerializeIsFoundInTheText() {
    Throwable thrown = failingTask(() -> new InputException("Cannot read input /data/b.jsonl, line 2: not JSON",
        new UnserializableCause("held a lock")));

    assertThat(thrown).isInstanceOf(SparkException.class);
    assertThat(causes(thrown)).noneMatch(InputException.class::isInstance);
    assertThat(Failure.of(thrown, "scoring")).isEqualTo(new Failure(ExitCodes.CONFIG_ERROR,
        "Cannot read input /data/b.jsonl, line 2: not JSON"));
  }

  @Test
  void anotherExceptionInATaskIsInternalAndNamesTheRootCause() {
    Throwable thrown = failingTask(() -> new UnsupportedOperationException("no such batch size"));

    Failure failure = Failure.of(thrown, "scoring");

    assertThat(failure).isEqualTo(new Failure(ExitCodes.RUNTIME_FAILURE,
        "Cannot finish scoring: java.lang.UnsupportedOperationException: no such batch size"));
  }

  @Test
  void aCorruptParquetFileIsTheUsersAndNamed() throws IOException {
    Path file = Files.writeString(temp.resolve("corrupt.parquet"), "not parquet at all", StandardCharsets.UTF_8);

    Throwable thrown = catchThrowable(() -> spark.read().schema("id STRING").parquet(file.toString()).collectAsList());

    Failure failure = Failure.of(thrown, "scoring");
    assertThat(failure.exitCode()).isEqualTo(ExitCodes.CONFIG_ERROR);
    assertThat(failure.line()).startsWith("Cannot read input file:").contains("corrupt.parquet: ")
        .contains("is not a Parquet file").doesNotContain("\n");
  }

  @Test
  void aMalformedJsonLineUnderFailFastIsTheUsersAndNamesTheFile() throws IOException {
    Path file = Files.writeString(temp.resolve("broken.jsonl"), "{\"id\":\"a\"}\n{\"id\":\n", StandardCharsets.UTF_8);

    Throwable thrown = catchThrowable(() -> spark.read().schema("id STRING").option("mode", "FAILFAST")
        .json(file.toString()).collectAsList());

    Failure failure = Failure.of(thrown, "scoring");
    assertThat(failure.exitCode()).isEqualTo(ExitCodes.CONFIG_ERROR);
    assertThat(failure.line()).startsWith("Cannot read input file:").contains("broken.jsonl: ")
        .doesNotContain("\n");
  }
}

package dev.endoreward.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.endoreward.spark.InputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.nio.file.AccessDeniedException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/**
 * How each kind of failure is told to the user, from exceptions built as their sources build them. The
 * exceptions that only a Spark job makes are in {@link TestFailureFromSpark}.
 */
class TestFailure {
  @Test
  void anInputExceptionIsTheUsersWhereverItIsInTheCauses() {
    InputException input = new InputException("Cannot read input /data/a.jsonl, line 7: unexpected end of input");

    Failure direct = Failure.of(input, "scoring");
    Failure wrapped = Failure.of(new IllegalStateException("Cannot score unit 3",
        new ExecutionException(new RuntimeException("task failed", input))), "scoring");

    assertThat(direct).isEqualTo(new Failure(ExitCodes.CONFIG_ERROR,
        "Cannot read input /data/a.jsonl, line 7: unexpected end of input"));
    assertThat(wrapped).isEqualTo(direct);
  }

  @Test
  void aMultiLineMessageKeepsItsFirstLine() {
    Failure failure = Failure.of(new InputException("Cannot read input /a.jsonl, line 2: Unexpected character ('x')\n"
        + " at [Source: (String)\"x\"; line: 1, column: 2]"), "scoring");

    assertThat(failure.line()).isEqualTo("Cannot read input /a.jsonl, line 2: Unexpected character ('x')");
  }

  @Test
  void aDriverCheckIsTheUsers() {
    Failure failure = Failure.of(new IllegalArgumentException("Cannot load model /m: manifest.json is missing"), "scoring");

    assertThat(failure).isEqualTo(new Failure(ExitCodes.CONFIG_ERROR, "Cannot load model /m: manifest.json is missing"));
    assertThat(failure.byUser()).isTrue();
  }

  @Test
  void aDriverChecksOwnLineBeatsItsCauses() {
    AccessDeniedException denied = new AccessDeniedException("s3a://bucket/in", null, "403 Forbidden");
    String line = "Cannot access s3a://bucket/in: http://127.0.0.1:9000 (fs.s3a.endpoint) refused the credentials"
        + " (Forbidden); check fs.s3a.access.key and fs.s3a.secret.key";

    assertThat(Failure.of(new IllegalArgumentException(line, denied), "scoring"))
        .isEqualTo(new Failure(ExitCodes.CONFIG_ERROR, line));
  }

  @Test
  void anIllegalArgumentThatSaysNothingToTheUserIsInternal() {
    // Scala's require(...) in Spark's own code: a bug, not the user's mistake.
    Failure failure = Failure.of(new IllegalArgumentException("requirement failed: numPartitions > 0"), "scoring");

    assertThat(failure).isEqualTo(new Failure(ExitCodes.RUNTIME_FAILURE,
        "Cannot finish scoring: java.lang.IllegalArgumentException: requirement failed: numPartitions > 0"));
    assertThat(failure.byUser()).isFalse();
  }

  @Test
  void refusedCredentialsOnS3aNameTheSettingsToCheck() {
    // As S3A translates an HTTP 403.
    AccessDeniedException denied = new AccessDeniedException("s3a://bucket/in", null,
        "getFileStatus on s3a://bucket/in: software.amazon.awssdk.services.s3.model.S3Exception: Forbidden");
    denied.initCause(new IOException("The request signature we calculated does not match the signature you"
        + " provided. (Service: S3, Status Code: 403)"));

    Failure failure = Failure.of(new UncheckedIOException("Cannot list the output folder s3a://bucket/in: x", denied), "scoring");

    assertThat(failure).isEqualTo(new Failure(ExitCodes.CONFIG_ERROR, "Cannot access s3a://bucket/in: access denied"
        + " (The request signature we calculated does not match the signature you provided. (Service: S3, Status"
        + " Code: 403)); check the credentials (fs.s3a.access.key and fs.s3a.secret.key, or"
        + " fs.s3a.aws.credentials.provider) and the bucket's policy"));
  }

  @Test
  void aDeniedLocalFileNamesPermissions() {
    Failure failure = Failure.of(new UncheckedIOException(new AccessDeniedException("/scores/out")), "scoring");

    assertThat(failure).isEqualTo(new Failure(ExitCodes.CONFIG_ERROR,
        "Cannot access /scores/out: access denied; check the credentials and permissions"));
  }

  @Test
  void anInternalFailureQuotesTheInnermostCannotMessage() {
    Failure failure = Failure.of(new RuntimeException("wrapper",
        new IllegalStateException("Cannot score batch 3: CUDA out of memory", new Error("cudaMalloc"))), "scoring");

    assertThat(failure).isEqualTo(new Failure(ExitCodes.RUNTIME_FAILURE, "Cannot score batch 3: CUDA out of memory"));
  }

  @Test
  void anInternalFailureWithoutOneNamesTheRootCause() {
    Failure failure = Failure.of(new IllegalStateException("Job aborted due to stage failure: Task 0 failed:\n"
        + "\tat org.apache.spark.scheduler.DAGScheduler.failJobAndIndependentStages(DAGScheduler.scala:2935)",
        new NullPointerException("row is null\n\tat dev.endoreward.spark.PartitionScorer.score(PartitionScorer.java:1)")), "scoring");

    assertThat(failure).isEqualTo(new Failure(ExitCodes.RUNTIME_FAILURE,
        "Cannot finish scoring: java.lang.NullPointerException: row is null"));
  }

  @Test
  void aConnectionLostDuringTheJobIsInternal() {
    // The storage check reaches every store before the job; a store lost later is not the user's mistake.
    Failure failure = Failure.of(new UncheckedIOException("Cannot write the output folder s3a://b/out: lost",
        new ConnectException("Connection refused")), "scoring");

    assertThat(failure).isEqualTo(new Failure(ExitCodes.RUNTIME_FAILURE,
        "Cannot write the output folder s3a://b/out: lost"));
  }

  @Test
  void anErrorWithoutAMessageIsNamedByItsClass() {
    assertThat(Failure.of(new StackOverflowError(), "scoring")).isEqualTo(new Failure(ExitCodes.RUNTIME_FAILURE,
        "Cannot finish scoring: java.lang.StackOverflowError"));
  }

  @Test
  void aCauseCycleEnds() {
    IllegalStateException first = new IllegalStateException("first");
    RuntimeException second = new RuntimeException("second", first);
    first.initCause(second);

    assertThat(Failure.of(first, "scoring").line()).isEqualTo("Cannot finish scoring: java.lang.RuntimeException: second");
  }
}

package dev.endoreward.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.endoreward.spark.config.ScoreConfig;
import dev.endoreward.testing.DuckDb;
import dev.endoreward.testing.JobRecorder;
import dev.endoreward.testing.ScoreOutput;
import dev.endoreward.testing.SparkTestBase;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run's summary counts what its units committed, by reason, in one Spark job. */
class TestRunTally extends SparkTestBase {
  @TempDir Path temp;

  @Test
  void integerIdsRepeatedAcrossScoredAndRejectedRowsAreCountedOnceEachAndNullIdsNever() throws Exception {
    StructType schema = new StructType().add("id", DataTypes.LongType).add("prompt", DataTypes.StringType)
        .add("response", DataTypes.StringType);
    Path input = temp.resolve("in");
    spark.createDataFrame(List.of(
            RowFactory.create(1L, "Why?", "Because."),
            RowFactory.create(1L, "Why not?", "Because not."), // repeats 1
            RowFactory.create(2L, "How?", "Like this."),
            RowFactory.create(2L, "How much?", "NaN"), // repeats 2, rejected NON_FINITE
            RowFactory.create(null, "Who?", "Nobody."), // rejected NULL_FIELD, as is the next
            RowFactory.create(null, "Where?", "Nowhere."), // a null id repeats nothing
            RowFactory.create(3L, "When?", null), // rejected NULL_FIELD
            RowFactory.create(4L, "What?", "NaN and more"), // rejected NON_FINITE
            RowFactory.create(5L, "Which?", "")), schema) // rejected EMPTY_RESPONSE
        .repartition(2).write().mode(SaveMode.ErrorIfExists).parquet(input.toString());
    Path output = temp.resolve("out");
    ScoreConfig config = CodePointScorer.config(input, output, "job.partitions", "3");

    RunSummary summary;
    List<String> jobs;
    try (JobRecorder recorder = JobRecorder.start(spark)) {
      summary = ScoreJob.run(spark, config,
          new EndogenousRewardScorer(config, Map.of("model_path", "none"), CodePointScorer.factory()));
      jobs = recorder.descriptions();
    }

    assertThat(summary.rowsIn()).isEqualTo(9);
    assertThat(summary.rowsScored()).isEqualTo(3);
    assertThat(summary.rowsRejected()).isEqualTo(6);
    assertThat(summary.rejectedByReason()).containsEntry("NON_FINITE", 2L).containsEntry("EMPTY_RESPONSE", 1L)
        .containsEntry("NULL_FIELD", 3L).containsEntry("TOO_LONG", 0L).containsEntry("DUPLICATE_ID", 0L);
    assertThat(summary.duplicateIds()).isEqualTo(2);
    Map<String, Object> tokens = DuckDb.query("SELECT sum(num_prompt_tokens) AS prompt, sum(num_response_tokens)"
        + " AS response FROM read_parquet('" + ScoreOutput.glob(output, "scored") + "')").get(0);
    assertThat(summary.promptTokens()).isEqualTo(((Number) tokens.get("prompt")).longValue()).isPositive();
    assertThat(summary.responseTokens()).isEqualTo(((Number) tokens.get("response")).longValue()).isPositive();
    // one job, which groups by id and sums; none reads a footer for a schema
    assertThat(jobs.stream().filter(job -> job.contains("counting the committed rows"))).hasSize(1);
  }
}

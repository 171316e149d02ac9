package dev.endoreward.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.endoreward.batch.ScoredPair;
import dev.endoreward.engine.RewardEngine;
import dev.endoreward.spark.config.ScoreConfig;
import dev.endoreward.testing.SharedFixtures;
import dev.endoreward.testing.SparkTestBase;
import dev.endoreward.text.PairInput;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The library API: a Dataset in, scored and rejected Datasets out. */
class TestEndogenousRewardScorer extends SparkTestBase {
  private static final StructType SCHEMA = new StructType(new StructField[] {
      DataTypes.createStructField("id", DataTypes.StringType, true),
      DataTypes.createStructField("question", DataTypes.StringType, true),
      DataTypes.createStructField("answer", DataTypes.StringType, true)});

  @Test
  void scoresADatasetInMemory() {
    Dataset<Row> pairs = spark.createDataFrame(List.of(
        RowFactory.create("a", "Lily went to the park.", " She saw a big dog."),
        RowFactory.create("b", "Lily went to the park.", null),
        RowFactory.create("c", "Tom had a red ball.", " He threw it high.")), SCHEMA);
    EndogenousRewardScorer scorer = EndogenousRewardScorer.create(Map.of(
        "model.path", SharedFixtures.storiesArtefact().toString(),
        "input.column.prompt", "question", "input.column.response", "answer"));

    Dataset<Row> result = scorer.score(pairs);
    List<Row> scored = scorer.scoredRows(result).orderBy("id").collectAsList();
    List<Row> rejected = scorer.rejectedRows(result).collectAsList();

    assertThat(scored).extracting(r -> r.getString(0)).containsExactly("a", "c");
    assertThat(rejected).extracting(r -> r.getString(0)).containsExactly("b");
    assertThat(rejected.get(0).<String>getAs("reject_reason")).isEqualTo("NULL_FIELD");
    assertThat(scorer.scoredRows(result).schema().apply("reward").metadata().getString("endoreward.model_sha256"))
        .isEqualTo(scorer.provenance().get("model_sha256"));

    try (RewardEngine engine = RewardEngine.open(
        ScoreConfig.forLibrary(Map.of("model.path", SharedFixtures.storiesArtefact().toString())).engineOptions())) {
      ScoredPair expected = engine.newScorer()
          .score(List.of(PairInput.of(null, "Tom had a red ball.", " He threw it high."))).get(0).value();
      assertThat((double) scored.get(1).<Float>getAs("reward")).isCloseTo(expected.reward().reward(), within(1e-5));
    }
  }

  @Test
  void checksTheDatasetSchemaOnTheDriver() {
    Dataset<Row> pairs = spark.createDataFrame(List.of(RowFactory.create("a", "q", "r")), SCHEMA);
    EndogenousRewardScorer scorer = EndogenousRewardScorer.create(Map.of(
        "model.path", SharedFixtures.storiesArtefact().toString()));
    assertThatThrownBy(() -> scorer.score(pairs)).hasMessageContaining("column 'prompt' is missing");
  }
}

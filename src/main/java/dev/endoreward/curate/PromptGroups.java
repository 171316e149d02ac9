package dev.endoreward.curate;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapGroupsFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/** Runs plain per-prompt logic over scored rows grouped by {@code prompt_id}, on the executors. */
final class PromptGroups {
  private PromptGroups() {}

  /** What one prompt's rows become. */
  @FunctionalInterface
  interface GroupFunction extends java.io.Serializable {
    List<Row> apply(List<Row> rows);
  }

  /** Applies {@code function} to each prompt's rows; the results have {@code schema}. */
  static Dataset<Row> map(Dataset<Row> scored, StructType schema, GroupFunction function) {
    return scored
        .groupByKey((MapFunction<Row, String>) row -> String.valueOf(row.<Object>getAs(ScoredInput.PROMPT_ID)),
            Encoders.STRING())
        .flatMapGroups((FlatMapGroupsFunction<String, Row, Row>) (key, rows) -> function.apply(list(rows)).iterator(),
            Encoders.row(schema));
  }

  /** One prompt's rows as candidates of {@code score}, each indexed by its position in {@code rows}. */
  static List<Candidate> candidates(List<Row> rows, ScoreColumn score, String idColumn) {
    List<Candidate> candidates = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      Row row = rows.get(i);
      candidates.add(new Candidate((Comparable<?>) row.getAs(idColumn), row.<Number>getAs(score.column()).doubleValue(),
          row.<Number>getAs(ScoredInput.RESPONSE_TOKENS).intValue(), i));
    }
    return candidates;
  }

  private static List<Row> list(Iterator<Row> rows) {
    List<Row> list = new ArrayList<>();
    rows.forEachRemaining(list::add);
    return list;
  }
}

package dev.endoreward.curate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.desc;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code filter}: keeps the scored rows whose {@code filter_score} (the chosen score, normalised per prompt
 * when asked) passes the cut, and whose response length is within the bounds. Every dropped row is counted
 * under one reason, the first that applies: {@code response_tokens_below_min},
 * {@code response_tokens_above_max}, {@code undefined_normalised_score}, {@code below_threshold}.
 */
public final class FilterJob {
  /** The column of the kept rows that holds the score the cut was made on. */
  public static final String FILTER_SCORE = "filter_score";

  private static final String DROP_REASON = "drop_reason";

  private FilterJob() {}

  /** Runs the command; returns the report it wrote. */
  public static Map<String, Object> run(SparkSession spark, FilterConfig config) {
    ScoredInput input = ScoredInput.open(spark, config.io().input(), "filter");
    if (config.normalisation() != Normalisation.NONE) {
      input.requirePromptIds();
    }
    CurationOutput output = CurationOutput.prepare(spark, config.io());
    spark.sparkContext().setJobDescription("filter " + config.io().input());

    Dataset<Row> classified = withDropReason(scoredWithFilterScore(input.scored(), config), config).persist();
    Dataset<Row> candidates = classified.filter(col(DROP_REASON).isNull());
    Double cut = config.threshold() != null ? config.threshold() : topFractionCut(candidates, config);
    if (cut != null) {
      classified = classified.withColumn(DROP_REASON,
          when(col(DROP_REASON).isNull().and(col(FILTER_SCORE).lt(cut)), lit("below_threshold"))
              .otherwise(col(DROP_REASON)));
    }
    Map<String, Long> dropped = new LinkedHashMap<>();
    for (String reason : List.of("response_tokens_below_min", "response_tokens_above_max",
        "undefined_normalised_score", "below_threshold")) {
      dropped.put(reason, 0L);
    }
    long rowsIn = 0;
    for (Row count : classified.groupBy(DROP_REASON).count().collectAsList()) {
      rowsIn += count.getLong(1);
      if (!count.isNullAt(0)) {
        dropped.put(count.getString(0), count.getLong(1));
      }
    }
    long dropTotal = dropped.values().stream().mapToLong(Long::longValue).sum();
    Dataset<Row> kept = classified.filter(col(DROP_REASON).isNull()).drop(DROP_REASON);
    List<Column> order = new ArrayList<>();
    for (String column : List.of(ScoredInput.PROMPT_ID, input.settings().idColumn())) {
      if (List.of(kept.columns()).contains(column)) {
        order.add(col(column));
      }
    }
    output.writeParquet(kept.orderBy(order.toArray(new Column[0])));
    classified.unpersist();

    Map<String, Object> report = new LinkedHashMap<>();
    report.put("command", FilterConfig.COMMAND);
    report.put("input", config.io().input());
    report.put("score", config.score().column());
    report.put("normalisation", CurateKeys.FILTER_NORMALISE.write(config.normalisation()));
    report.put("threshold", config.threshold());
    report.put("top_fraction", config.topFraction());
    if (config.topFraction() != null) {
      report.put("quantile", CurateKeys.FILTER_QUANTILE.write(config.quantile()));
      report.put("quantile_relative_error", config.quantile() == QuantileMethod.EXACT ? 0.0 : config.quantileError());
    }
    report.put("cut", cut);
    report.put("min_response_tokens", config.minResponseTokens());
    report.put("max_response_tokens", config.maxResponseTokens() == 0 ? null : config.maxResponseTokens());
    report.put("rows_in", rowsIn);
    report.put("rows_kept", rowsIn - dropTotal);
    report.put("rows_dropped", dropped);
    report.put("score_rejected_rows", input.rejectedRows());
    output.finish(report);
    return report;
  }

  /** The scored rows with {@link #FILTER_SCORE}: the score, normalised over each prompt's scored rows. */
  private static Dataset<Row> scoredWithFilterScore(Dataset<Row> scored, FilterConfig config) {
    String column = config.score().column();
    Normalisation normalisation = config.normalisation();
    if (normalisation == Normalisation.NONE) {
      return scored.withColumn(FILTER_SCORE, col(column).cast(DataTypes.DoubleType));
    }
    StructType schema = scored.schema().add(FILTER_SCORE, DataTypes.DoubleType, false);
    return PromptGroups.map(scored, schema, rows -> {
      double[] scores = new double[rows.size()];
      for (int i = 0; i < scores.length; i++) {
        scores[i] = rows.get(i).<Number>getAs(column).doubleValue();
      }
      double[] normalised = normalisation.apply(scores);
      List<Row> result = new ArrayList<>();
      for (int i = 0; i < scores.length; i++) {
        Row row = rows.get(i);
        Object[] values = new Object[row.length() + 1];
        for (int j = 0; j < row.length(); j++) {
          values[j] = row.get(j);
        }
        values[row.length()] = normalised[i];
        result.add(RowFactory.create(values));
      }
      return result;
    });
  }

  private static Dataset<Row> withDropReason(Dataset<Row> rows, FilterConfig config) {
    Column tokens = col(ScoredInput.RESPONSE_TOKENS);
    Column reason = when(tokens.lt(config.minResponseTokens()), lit("response_tokens_below_min"));
    if (config.maxResponseTokens() > 0) {
      reason = reason.when(tokens.gt(config.maxResponseTokens()), lit("response_tokens_above_max"));
    }
    reason = reason.when(isnan(col(FILTER_SCORE)), lit("undefined_normalised_score"))
        .otherwise(lit(null).cast(DataTypes.StringType));
    return rows.withColumn(DROP_REASON, reason);
  }

  /**
   * The score at the top fraction's cut, or null when no row is left to cut: exactly the
   * {@code ceil(fraction * n)}-th highest, or Spark's approximate quantile. Rows tied with the cut are kept.
   */
  private static Double topFractionCut(Dataset<Row> candidates, FilterConfig config) {
    if (config.topFraction() == null) {
      return null;
    }
    long n = candidates.count();
    if (n == 0) {
      return null;
    }
    if (config.quantile() == QuantileMethod.APPROXIMATE) {
      return candidates.stat().approxQuantile(FILTER_SCORE, new double[] {1 - config.topFraction()},
          config.quantileError())[0];
    }
    // In decimal, so that 0.3 of 10 rows is 3, not the ceiling of 3.0000000000000004.
    long k = BigDecimal.valueOf(config.topFraction()).multiply(BigDecimal.valueOf(n))
        .setScale(0, RoundingMode.CEILING).longValueExact();
    return candidates.select(FILTER_SCORE).orderBy(desc(FILTER_SCORE)).offset((int) (k - 1)).first().getDouble(0);
  }
}

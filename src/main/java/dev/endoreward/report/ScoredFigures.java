package dev.endoreward.report;

import static org.apache.spark.sql.functions.asc;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.desc;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.xxhash64;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What the page shows of a score output's rows, aggregated by Spark: only counts, bins, a bounded sample and
 * a bounded number of rows (each with its texts and tokens cut by Spark) reach the driver.
 *
 * @param rowsScored the scored rows
 * @param rejectedByReason the rejected rows by reason, most first
 * @param reward the histogram of {@code reward}
 * @param rewardMean the histogram of {@code reward_mean}
 * @param logprobMean the histogram of {@code logprob_mean}
 * @param scatter (id, response tokens, reward) of at most {@link ReportLimits#scatterRows()} rows
 * @param prompts prompts with at least two scored responses
 * @param spread the histogram of their spreads (best minus worst reward)
 * @param widest the prompts of widest spread
 * @param top the highest rewards, best first
 * @param bottom the lowest rewards, worst first
 * @param tokenLevel whether the output has token columns
 */
record ScoredFigures(long rowsScored, Map<String, Long> rejectedByReason, Histogram reward, Histogram rewardMean,
    Histogram logprobMean, List<Point> scatter, long prompts, Histogram spread, List<PromptSpread> widest,
    List<Example> top, List<Example> bottom, boolean tokenLevel) {

  static final String REWARD = "reward";
  static final String REWARD_MEAN = "reward_mean";
  static final String LOGPROB_MEAN = "logprob_mean";
  static final String RESPONSE_TOKENS = "num_response_tokens";
  static final String PROMPT_ID = "prompt_id";
  static final String TOKEN_IDS = "response_token_ids";
  static final String TOKEN_REWARDS = "token_rewards";
  static final String TOKEN_LOGPROBS = "token_logprobs";

  /**
   * One plotted row.
   *
   * @param id the row id, cut to {@link ReportLimits#NAME_CHARS}
   */
  record Point(String id, int responseTokens, double reward) {}

  /** One prompt's spread: its responses' best and worst reward. */
  record PromptSpread(String promptId, long responses, double best, double worst) {}

  /** Whether the plotted rows are a sample rather than every row. */
  boolean sampled() {
    return scatter.size() < rowsScored;
  }

  static ScoredFigures of(ScoreFolder folder, ReportLimits limits, TokenTexts texts) {
    Dataset<Row> scored = folder.scored();
    String id = columnName(folder, "input.column.id", "id");
    long rows = scored.count();
    Map<String, Long> rejected = new LinkedHashMap<>();
    if (folder.rejected() != null) {
      for (Row row : folder.rejected().groupBy("reject_reason").count().orderBy(desc("count"), asc("reject_reason"))
          .collectAsList()) {
        rejected.put(row.getString(0), row.getLong(1));
      }
    }
    List<Point> scatter = new ArrayList<>();
    // The sample is the rows of smallest id hash: the same rows in every report of the same output.
    for (Row row : scored.select(cut(col(id).cast("string"), ReportLimits.NAME_CHARS), col(RESPONSE_TOKENS),
            col(REWARD).cast("double"))
        .orderBy(xxhash64(col(id)), col(id)).limit(limits.scatterRows()).collectAsList()) {
      scatter.add(new Point(row.getString(0), row.getInt(1), row.getDouble(2)));
    }
    Dataset<Row> perPrompt = scored.groupBy(PROMPT_ID)
        .agg(count("*").as("n"), max(REWARD).cast("double").as("best"), min(REWARD).cast("double").as("worst"))
        .where(col("n").geq(2))
        .withColumn("spread", col("best").minus(col("worst")));
    List<PromptSpread> widest = new ArrayList<>();
    for (Row row : perPrompt.orderBy(desc("spread"), asc(PROMPT_ID)).limit(limits.prompts())
        .select(cut(col(PROMPT_ID), ReportLimits.NAME_CHARS), col("n"), col("best"), col("worst")).collectAsList()) {
      widest.add(new PromptSpread(row.getString(0), row.getLong(1), row.getDouble(2), row.getDouble(3)));
    }
    boolean tokenLevel = folder.hasColumn(TOKEN_IDS) && folder.hasColumn(TOKEN_REWARDS);
    Column[] shown = exampleColumns(folder, id, limits, tokenLevel);
    return new ScoredFigures(rows, rejected, Histogram.of(scored, REWARD, limits.bins()),
        Histogram.of(scored, REWARD_MEAN, limits.bins()), Histogram.of(scored, LOGPROB_MEAN, limits.bins()),
        scatter, perPrompt.count(), Histogram.of(perPrompt, "spread", limits.bins()), widest,
        collect(scored.orderBy(desc(REWARD), asc(id)).limit(limits.examples()).select(shown), texts),
        collect(scored.orderBy(asc(REWARD), asc(id)).limit(limits.examples()).select(shown), texts), tokenLevel);
  }

  /** The columns an example shows, its texts and tokens already cut to the limits. */
  private static Column[] exampleColumns(ScoreFolder folder, String id, ReportLimits limits, boolean tokenLevel) {
    String messages = folder.setting("input.column.messages");
    Column prompt;
    Column response;
    if (messages != null) {
      String m = "`" + messages + "`";
      // The last turn is the response; the prompt shows the 16 turns before it at most.
      prompt = expr("concat_ws('\\n', transform(slice(" + m + ", greatest(1, size(" + m + ") - 16), least(16, size("
          + m + ") - 1)), t -> concat(t.role, ': ', substring(t.content, 1, " + (limits.maxTextChars() + 1) + "))))");
      response = expr("element_at(" + m + ", -1).content");
    } else {
      prompt = col(columnName(folder, "input.column.prompt", "prompt"));
      response = col(columnName(folder, "input.column.response", "response"));
    }
    int textChars = limits.maxTextChars() + 1; // one more than shown, to tell that the text was cut
    List<Column> columns = new ArrayList<>(List.of(cut(col(id).cast("string"), ReportLimits.NAME_CHARS),
        cut(col(PROMPT_ID), ReportLimits.NAME_CHARS), cut(prompt, textChars),
        cut(response, textChars), col(REWARD).cast("double"),
        col(REWARD_MEAN).cast("double"), col(LOGPROB_MEAN).cast("double"), col(RESPONSE_TOKENS)));
    if (tokenLevel) {
      for (String tokens : List.of(TOKEN_IDS, TOKEN_REWARDS, TOKEN_LOGPROBS)) {
        columns.add(expr("slice(`" + tokens + "`, 1, " + limits.maxTokens() + ")").as(tokens));
      }
    }
    return columns.toArray(Column[]::new);
  }

  private static List<Example> collect(Dataset<Row> rows, TokenTexts texts) {
    List<Example> examples = new ArrayList<>();
    for (Row row : rows.collectAsList()) {
      List<Example.Token> tokens = new ArrayList<>();
      if (row.length() > 8) {
        List<Integer> ids = row.getList(8);
        List<Float> rewards = row.getList(9);
        List<Float> logprobs = row.getList(10);
        int[] idArray = ids.stream().mapToInt(Integer::intValue).toArray();
        String[] decoded = texts == null ? null : texts.decode(idArray);
        for (int i = 0; i < idArray.length; i++) {
          tokens.add(new Example.Token(idArray[i], decoded == null ? null : decoded[i], rewards.get(i),
              logprobs.get(i)));
        }
      }
      examples.add(new Example(row.getString(0), row.getString(1), row.getString(2), row.getString(3),
          row.getDouble(4), row.getDouble(5), row.getDouble(6), row.getInt(7), tokens));
    }
    return examples;
  }

  private static String columnName(ScoreFolder folder, String key, String fallback) {
    String name = folder.setting(key);
    return name == null ? fallback : name;
  }

  private static Column cut(Column text, int chars) {
    return substring(text, 1, chars);
  }
}

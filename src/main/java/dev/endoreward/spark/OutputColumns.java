package dev.endoreward.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The columns the job adds to the input: {@code prompt_id} for every row, scores for scored rows, a reason
 * for rejected rows. Scoring produces one combined row layout (input, prompt id, score and reject columns);
 * the writers project it onto the scored and the rejected outputs.
 *
 * @param tokenLevel whether the per-token arrays are written
 * @param promptTokenIds whether the full prompt token ids are written
 */
public record OutputColumns(boolean tokenLevel, boolean promptTokenIds) implements Serializable {
  /** Groups responses to the same prompt; see {@link PromptIds}. */
  public static final String PROMPT_ID = "prompt_id";
  public static final String REWARD = "reward";
  public static final String REWARD_MEAN = "reward_mean";
  public static final String LOGPROB = "logprob";
  public static final String LOGPROB_MEAN = "logprob_mean";
  public static final String VALUE_PROMPT = "value_prompt";
  public static final String NUM_PROMPT_TOKENS = "num_prompt_tokens";
  public static final String NUM_RESPONSE_TOKENS = "num_response_tokens";
  public static final String PROMPT_TRUNCATED = "prompt_truncated";
  public static final String RESPONSE_TOKEN_IDS = "response_token_ids";
  public static final String TOKEN_REWARDS = "token_rewards";
  public static final String TOKEN_LOGPROBS = "token_logprobs";
  public static final String PROMPT_TOKEN_IDS = "prompt_token_ids";
  public static final String REJECT_REASON = "reject_reason";
  public static final String REJECT_DETAIL = "reject_detail";

  private static final DataType INT_ARRAY = DataTypes.createArrayType(DataTypes.IntegerType, false);
  private static final DataType FLOAT_ARRAY = DataTypes.createArrayType(DataTypes.FloatType, false);

  /** The score columns, in output order. */
  public List<StructField> scoreFields() {
    List<StructField> fields = new ArrayList<>(List.of(
        field(REWARD, DataTypes.FloatType),
        field(REWARD_MEAN, DataTypes.FloatType),
        field(LOGPROB, DataTypes.FloatType),
        field(LOGPROB_MEAN, DataTypes.FloatType),
        field(VALUE_PROMPT, DataTypes.FloatType),
        field(NUM_PROMPT_TOKENS, DataTypes.IntegerType),
        field(NUM_RESPONSE_TOKENS, DataTypes.IntegerType),
        field(PROMPT_TRUNCATED, DataTypes.BooleanType)));
    if (tokenLevel) {
      fields.add(field(RESPONSE_TOKEN_IDS, INT_ARRAY));
      fields.add(field(TOKEN_REWARDS, FLOAT_ARRAY));
      fields.add(field(TOKEN_LOGPROBS, FLOAT_ARRAY));
    }
    if (promptTokenIds) {
      fields.add(field(PROMPT_TOKEN_IDS, INT_ARRAY));
    }
    return fields;
  }

  /** The column of every output row, scored or rejected, before the score or reject columns. */
  public static StructField promptIdField() {
    return field(PROMPT_ID, DataTypes.StringType);
  }

  /** The reject columns, in output order. */
  public static List<StructField> rejectFields() {
    return List.of(field(REJECT_REASON, DataTypes.StringType), field(REJECT_DETAIL, DataTypes.StringType));
  }

  /** Input columns, then the prompt id, then score columns, then reject columns. */
  public StructType combinedSchema(StructType input) {
    List<StructField> fields = new ArrayList<>(List.of(input.fields()));
    fields.add(promptIdField());
    fields.addAll(scoreFields());
    fields.addAll(rejectFields());
    return new StructType(fields.toArray(StructField[]::new));
  }

  /** Names of every column this job adds, to detect clashes with input columns. */
  public static List<String> addedColumnNames() {
    List<String> names = new ArrayList<>(List.of(PROMPT_ID));
    new OutputColumns(true, true).scoreFields().forEach(f -> names.add(f.name()));
    rejectFields().forEach(f -> names.add(f.name()));
    return names;
  }

  private static StructField field(String name, DataType type) {
    return new StructField(name, type, true, Metadata.empty());
  }
}

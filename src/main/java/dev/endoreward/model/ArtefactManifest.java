package dev.endoreward.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * The {@code manifest.json} of an exported model artefact, as written by the exporter.
 *
 * @param formatVersion the artefact layout version; this reader understands {@link #FORMAT_VERSION}
 * @param exporterVersion the exporter that wrote the folder
 * @param source where the weights came from
 * @param dtype the weights' dtype; outputs are always float32
 * @param vocabSize the model's vocabulary size (the logits' last dimension)
 * @param maxLength the longest sequence the model accepts
 * @param bosTokenId the start-of-sequence id
 * @param eosTokenId the end-of-sequence id
 * @param padTokenId the id used to right-pad batches; never scored
 * @param outputs the names of the outputs of the TorchScript module's {@code forward}, the scoring path, in
 *     order
 * @param greedyOutputs the names of the outputs of its {@link #GREEDY_METHOD} method, in order; null for
 *     artefacts exported without it (exporter 0.1.0)
 * @param scoreFromOutputs the names of the outputs of its {@link #SCORE_FROM_METHOD} method, in order; null for
 *     artefacts exported without it (exporter 0.2.0 and earlier)
 * @param files sha256 of every file in the folder, by file name
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ArtefactManifest(
    @JsonProperty("format_version") int formatVersion,
    @JsonProperty("exporter_version") String exporterVersion,
    @JsonProperty("source") Map<String, Object> source,
    @JsonProperty("dtype") String dtype,
    @JsonProperty("vocab_size") int vocabSize,
    @JsonProperty("max_length") int maxLength,
    @JsonProperty("bos_token_id") int bosTokenId,
    @JsonProperty("eos_token_id") int eosTokenId,
    @JsonProperty("pad_token_id") int padTokenId,
    @JsonProperty("outputs") List<String> outputs,
    @JsonProperty("greedy_outputs") List<String> greedyOutputs,
    @JsonProperty("score_from_outputs") List<String> scoreFromOutputs,
    @JsonProperty("files") Map<String, String> files) {

  /** 2 added {@link #SELF_TEST_FILE}. */
  public static final int FORMAT_VERSION = 2;
  public static final String MODEL_FILE = "model.pt";
  public static final String TOKENIZER_FILE = "tokenizer.json";
  public static final String TOKENIZER_CONFIG_FILE = "tokenizer_config.json";
  public static final String MANIFEST_FILE = "manifest.json";
  /** The exporter's outputs on a few sequences; see {@link SelfTest}. */
  public static final String SELF_TEST_FILE = "selftest.json";
  /** The first two outputs the reward needs, in this order. */
  public static final List<String> REQUIRED_OUTPUTS = List.of("next_token_logit", "logsumexp");
  /** The module's method for greedy checks, beside {@code forward} and on the same weights. */
  public static final String GREEDY_METHOD = "greedy";
  /** What {@link #GREEDY_METHOD} returns, in this order. */
  public static final List<String> GREEDY_OUTPUTS = List.of("max_logit", "argmax");

  /**
   * The module's method that gives {@code forward}'s outputs from a given position of each row on, computing no
   * logits before it; it takes that position as a third input, int64 [B].
   */
  public static final String SCORE_FROM_METHOD = "score_from";

  /** Whether the module has the {@link #SCORE_FROM_METHOD} method. */
  public boolean hasScoreFrom() {
    return scoreFromOutputs != null;
  }

  /** Whether the module has the {@link #GREEDY_METHOD} method. */
  public boolean hasGreedy() {
    return greedyOutputs != null;
  }
}

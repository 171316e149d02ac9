package dev.endoreward.spark;

import dev.endoreward.batch.ScoredPair;
import dev.endoreward.batch.Scorer;
import dev.endoreward.batch.ScoringStats;
import dev.endoreward.reward.Outcome;
import dev.endoreward.reward.RejectReason;
import dev.endoreward.reward.SequenceReward;
import dev.endoreward.spark.config.ScoreConfig;
import dev.endoreward.text.ChatMessage;
import dev.endoreward.text.EncodedPair;
import dev.endoreward.text.PairInput;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A scorer without a model, for tests of the job's plumbing: a token is a code point, response token k
 * (from 1) of code point c earns {@code c / 1000 + k}, and its log-probability is {@code -k}. A response
 * containing "NaN" is rejected {@code NON_FINITE}. Each call is one batch, padded to its longest row.
 */
final class CodePointScorer implements Scorer {
  private final ScoringStats stats = new ScoringStats();

  /**
   * A configuration for jobs on this scorer: no model, no progress line, then {@code keyValues} as key, value,
   * key, value ...
   */
  static ScoreConfig config(Path input, Path output, String... keyValues) {
    Map<String, String> values = new HashMap<>();
    values.put("model.path", "/no/model/needed");
    values.put("input.path", input.toString());
    values.put("output.path", output.toString());
    values.put("job.progress", "false");
    for (int i = 0; i < keyValues.length; i += 2) {
      values.put(keyValues[i], keyValues[i + 1]);
    }
    return ScoreConfig.fromMap(values);
  }

  /** The opener a job's tasks use; it never loads a model. */
  static ScorerFactory factory() {
    return metrics -> new CodePointScorer();
  }

  /** The prompt text whose code points are the prompt tokens: the system prompt, then each prompt message. */
  static String promptText(PairInput pair) {
    StringBuilder text = new StringBuilder(pair.system() == null ? "" : pair.system());
    for (ChatMessage message : pair.prompt()) {
      text.append(message.content());
    }
    return text.toString();
  }

  /** The reward of a response, by the rule of the class doc. */
  static float rewardOf(String response) {
    int[] tokens = response.codePoints().toArray();
    float reward = 0;
    for (int k = 1; k <= tokens.length; k++) {
      reward += tokens[k - 1] / 1000f + k;
    }
    return reward;
  }

  @Override
  public List<Outcome<ScoredPair>> score(List<PairInput> pairs) {
    List<Outcome<ScoredPair>> results = new ArrayList<>();
    long real = 0;
    int longest = 0;
    for (PairInput pair : pairs) {
      if (pair.response().isEmpty()) {
        results.add(Outcome.rejected(RejectReason.EMPTY_RESPONSE, "no response"));
      } else if (pair.response().contains("NaN")) {
        results.add(Outcome.rejected(RejectReason.NON_FINITE, "the response asks for it"));
      } else {
        ScoredPair scored = scored(pair);
        int length = scored.tokens().length();
        real += length;
        longest = Math.max(longest, length);
        stats.addScored(scored.tokens().promptIds().length, scored.tokens().responseIds().length);
        results.add(Outcome.ok(scored));
      }
    }
    long rows = results.stream().filter(r -> !r.isRejected()).count();
    if (rows > 0) {
      stats.addBatch(real, rows * longest);
    }
    return results;
  }

  @Override
  public ScoringStats stats() {
    return stats;
  }

  private static ScoredPair scored(PairInput pair) {
    int[] prompt = promptText(pair).codePoints().toArray();
    int[] response = pair.response().codePoints().toArray();
    float[] rewards = new float[response.length];
    float[] logprobs = new float[response.length];
    for (int k = 1; k <= response.length; k++) {
      rewards[k - 1] = response[k - 1] / 1000f + k;
      logprobs[k - 1] = -k;
    }
    float reward = rewardOf(pair.response());
    float logprob = -response.length * (response.length + 1) / 2f;
    EncodedPair tokens = EncodedPair.untruncated(prompt, new boolean[prompt.length], response);
    return new ScoredPair(tokens, new SequenceReward(reward, reward / response.length, logprob,
        logprob / response.length, prompt.length, rewards, logprobs));
  }
}

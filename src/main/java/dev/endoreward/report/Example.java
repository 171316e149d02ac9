package dev.endoreward.report;

import java.util.List;

/**
 * One scored row shown whole: its texts, cut to the report's limits, its figures and its first tokens.
 *
 * @param id the row id
 * @param promptId the prompt group
 * @param prompt the prompt's text (a chat's turns, one a line, as {@code role: content})
 * @param response the response's text
 * @param reward the sequence reward
 * @param rewardMean the reward per response token
 * @param logprobMean the log-probability per response token
 * @param responseTokens how many response tokens were scored
 * @param tokens the first response tokens with their rewards, empty when the output has no token columns
 */
record Example(String id, String promptId, String prompt, String response, double reward, double rewardMean,
    double logprobMean, int responseTokens, List<Token> tokens) {

  /**
   * One response token.
   *
   * @param id its token id
   * @param text its text as the run's tokenizer decodes it, or null when the tokenizer cannot be loaded
   * @param reward its reward r_k
   * @param logprob its log-probability logp_k
   */
  record Token(int id, String text, float reward, float logprob) {}
}

package dev.endoreward.reward;

/**
 * The endogenous reward of one response, per token and per sequence.
 *
 * @param reward sum of the token rewards: the paper's score
 * @param rewardMean reward / R
 * @param logprob sum of the response tokens' log-probabilities
 * @param logprobMean logprob / R
 * @param valuePrompt V_1 = alpha * LSE_1, the soft value of the prompt state
 * @param tokenRewards r_1..r_R // [R]
 * @param tokenLogprobs logp_1..logp_R // [R]
 */
public record SequenceReward(
    float reward,
    float rewardMean,
    float logprob,
    float logprobMean,
    float valuePrompt,
    float[] tokenRewards,
    float[] tokenLogprobs) {}

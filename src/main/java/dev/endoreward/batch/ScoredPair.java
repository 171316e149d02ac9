package dev.endoreward.batch;

import dev.endoreward.reward.SequenceReward;
import dev.endoreward.text.EncodedPair;

/**
 * One scored pair: the exact tokens that were scored and their rewards.
 *
 * @param tokens prompt and response ids as scored, after any prompt truncation
 * @param reward token- and sequence-level rewards of the response tokens
 */
public record ScoredPair(EncodedPair tokens, SequenceReward reward) {}

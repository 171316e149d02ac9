package dev.endoreward.text;

/**
 * A pair as attributed text, split at the prompt/response boundary.
 *
 * @param prompt the text before the boundary
 * @param response the text after it, up to the end of the rendered conversation
 * @param responseContentEnd where the response content ends in {@code response}; the first
 *     control token from here on closes the assistant turn
 */
record LaidOutPair(AttributedText prompt, AttributedText response, int responseContentEnd) {}

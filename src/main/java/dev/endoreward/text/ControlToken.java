package dev.endoreward.text;

/**
 * A token that template text may contain but content never turns into: an entry of
 * {@code added_tokens} in {@code tokenizer.json}, or a special token of the tokenizer config.
 *
 * @param id the token id
 * @param content the literal text that stands for it in a rendered template
 * @param lstrip whether it absorbs the whitespace to its left
 * @param rstrip whether it absorbs the whitespace to its right
 * @param singleWord whether it only matches when no word character touches it
 */
record ControlToken(int id, String content, boolean lstrip, boolean rstrip, boolean singleWord) {}

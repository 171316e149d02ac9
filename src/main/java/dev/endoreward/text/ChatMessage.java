package dev.endoreward.text;

/**
 * One turn of a conversation, as chat templates see it ({@code {"role": ..., "content": ...}}).
 *
 * <p>Both fields may be null here: rows come from user data, and {@link PairEncoder#encode}
 * reports a null role or content as a {@code NULL_FIELD} rejection instead of failing.
 *
 * @param role {@code system}, {@code user}, {@code assistant} or {@code tool}
 * @param content the text of the turn
 */
public record ChatMessage(String role, String content) {}

package dev.endoreward.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An HH-RLHF transcript, {@code "\n\nHuman: ...\n\nAssistant: ..."}, as a conversation: each
 * {@code Human:} turn a user message, each {@code Assistant:} turn an assistant message, without the
 * white space around it (the space after the colon, the line breaks). The last turn is the response.
 */
final class Transcript {
  private static final Pattern SPEAKER = Pattern.compile("\n\n(Human|Assistant):");

  private Transcript() {}

  /**
   * The conversation of {@code text}.
   *
   * @throws IllegalArgumentException when the text does not start with a turn or does not end with the
   *     assistant's
   */
  static List<Turn> parse(String text) {
    Matcher speaker = SPEAKER.matcher(text);
    List<Turn> turns = new ArrayList<>();
    String role = null;
    int start = 0;
    while (speaker.find()) {
      if (role == null && !text.substring(0, speaker.start()).isBlank()) {
        throw new IllegalArgumentException("has text before the first \"\\n\\nHuman:\"");
      }
      if (role != null) {
        turns.add(new Turn(role, content(text.substring(start, speaker.start()))));
      }
      role = speaker.group(1).equals("Human") ? Turn.USER : Turn.ASSISTANT;
      start = speaker.end();
    }
    if (role == null) {
      throw new IllegalArgumentException("has no \"\\n\\nHuman:\" or \"\\n\\nAssistant:\" turn");
    }
    if (!role.equals(Turn.ASSISTANT)) {
      throw new IllegalArgumentException("does not end with an \"\\n\\nAssistant:\" turn");
    }
    turns.add(new Turn(role, content(text.substring(start))));
    return turns;
  }

  private static String content(String turn) {
    return turn.strip();
  }
}

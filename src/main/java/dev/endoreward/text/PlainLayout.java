package dev.endoreward.text;

import dev.endoreward.Sha256;
import java.util.List;

/**
 * {@link TemplateMode#PLAIN}: the system prompt followed by a blank line, the prompt messages'
 * contents back to back, then the response. The blank line is the only template text.
 */
final class PlainLayout implements ConversationLayout {
  static final String SYSTEM_SEPARATOR = "\n\n";

  @Override
  public LaidOutPair layOut(String system, List<ChatMessage> prompt, String response) {
    AttributedText text = AttributedText.template("");
    if (system != null) {
      text = text.append(AttributedText.content(system))
          .append(AttributedText.template(SYSTEM_SEPARATOR));
    }
    for (ChatMessage message : prompt) {
      text = text.append(AttributedText.content(message.content()));
    }
    return new LaidOutPair(text, AttributedText.content(response), response.length());
  }

  @Override
  public String sha256() {
    return Sha256.of("plain");
  }
}

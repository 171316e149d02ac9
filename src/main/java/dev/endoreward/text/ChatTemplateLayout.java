package dev.endoreward.text;

import dev.endoreward.Sha256;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link TemplateMode#CHAT}: the prompt is the template's rendering of the prompt
 * messages with {@code add_generation_prompt=true}; the full text is its rendering of the
 * prompt messages plus the assistant response with {@code add_generation_prompt=false}. The
 * full text must start with the prompt text (else the template renders the turns before the
 * response differently once the response is there, and the pair is rejected); the response
 * part is the rest. All four renders of a pair (see {@link AttributingRenderer}) show the same
 * time through {@code strftime_now}.
 */
final class ChatTemplateLayout implements ConversationLayout {
  private final ChatTemplate template;
  private final AttributingRenderer renderer;
  private final String sha256;

  ChatTemplateLayout(ChatTemplate template) {
    this.template = template;
    this.renderer = new AttributingRenderer(template);
    this.sha256 = Sha256.of(template.source());
  }

  @Override
  public LaidOutPair layOut(String system, List<ChatMessage> prompt, String response)
      throws TemplateRenderException {
    List<ChatMessage> messages = new ArrayList<>(prompt.size() + 2);
    if (system != null) {
      messages.add(new ChatMessage("system", system));
    }
    messages.addAll(prompt);
    ZonedDateTime now = template.now();
    RenderedConversation promptText = renderer.render(messages, true, now);
    messages.add(new ChatMessage("assistant", response));
    RenderedConversation fullText = renderer.render(messages, false, now);

    String promptString = promptText.text().text();
    if (!fullText.text().text().startsWith(promptString)) {
      throw new TemplateRenderException(
          "the rendered conversation does not start with the rendered prompt: the chat template"
              + " renders the earlier turns differently once the response is added");
    }
    int boundary = promptString.length();
    int responseEnd = fullText.lastEndOf(messages.size() - 1);
    if (responseEnd < 0) {
      throw new TemplateRenderException("the chat template does not render the response");
    }
    if (responseEnd < boundary) {
      throw new TemplateRenderException(
          "the chat template renders the response inside the prompt text");
    }
    AttributedText full = fullText.text();
    return new LaidOutPair(
        promptText.text(), full.slice(boundary, full.length()), responseEnd - boundary);
  }

  @Override
  public String sha256() {
    return sha256;
  }
}

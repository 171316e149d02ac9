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
    String fullString = fullText.text().text();
    checkWellFormed("prompt", promptString);
    checkWellFormed("conversation", fullString);
    if (!fullString.startsWith(promptString)) {
      throw new TemplateRenderException(
          "the rendered conversation does not start with the rendered prompt (they differ from char "
              + firstDifference(promptString, fullString) + " of " + promptString.length()
              + "): the chat template renders the earlier turns differently once the response is added;"
              + " use template.mode=plain, or a template that renders each turn on its own");
    }
    int boundary = promptString.length();
    int responseEnd = fullText.lastEndOf(messages.size() - 1);
    if (responseEnd < 0) {
      throw new TemplateRenderException("the chat template does not render the response: the assistant"
          + " message's content does not appear in its output; use template.mode=plain, or a template that"
          + " renders assistant turns");
    }
    if (responseEnd < boundary) {
      throw new TemplateRenderException(
          "the chat template renders the response inside the prompt text");
    }
    AttributedText full = fullText.text();
    return new LaidOutPair(
        promptText.text(), full.slice(boundary, full.length()), responseEnd - boundary);
  }

  /**
   * Content is checked before rendering, so a lone surrogate here is the template's: its own text,
   * or a slice that cuts a character in two. The native tokenizer must never see one.
   */
  private static void checkWellFormed(String what, String rendered) throws TemplateRenderException {
    int index = WellFormedText.firstLoneSurrogate(rendered);
    if (index >= 0) {
      throw new TemplateRenderException(String.format(
          "the chat template renders a lone surrogate U+%04X at char %d of the %s, which is not Unicode"
              + " text: it cuts a character in two, or holds one itself",
          (int) rendered.charAt(index), index, what));
    }
  }

  private static int firstDifference(String a, String b) {
    int common = Math.min(a.length(), b.length());
    for (int i = 0; i < common; i++) {
      if (a.charAt(i) != b.charAt(i)) {
        return i;
      }
    }
    return common;
  }

  @Override
  public String sha256() {
    return sha256;
  }
}

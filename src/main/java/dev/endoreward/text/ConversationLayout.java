package dev.endoreward.text;

import java.util.List;

/** Turns a validated pair (no null fields, non-empty response) into text. */
interface ConversationLayout {

  /**
   * @param system the system prompt, or null for none
   * @throws TemplateRenderException if the conversation cannot be rendered consistently
   */
  LaidOutPair layOut(String system, List<ChatMessage> prompt, String response)
      throws TemplateRenderException;

  /** The sha256 of what defines the layout, for provenance. */
  String sha256();
}

package dev.endoreward.text;

/** How a pair becomes text before tokenisation. */
public enum TemplateMode {
  /**
   * Render the conversation with the tokenizer's chat template, as Hugging Face transformers'
   * {@code apply_chat_template} does.
   */
  CHAT_TEMPLATE,
  /**
   * No template: BOS (if the tokenizer adds one), the system prompt followed by a blank line,
   * the prompt messages' contents, then the response. No control tokens.
   */
  PLAIN
}

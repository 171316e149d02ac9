package dev.endoreward.text;

/** How a pair becomes text before tokenisation. */
public enum TemplateMode {
  /** {@link #CHAT} when the tokenizer has a chat template, {@link #PLAIN} otherwise. */
  AUTO,
  /**
   * Render the conversation with the tokenizer's chat template, as Hugging Face transformers'
   * {@code apply_chat_template} does; a tokenizer without one is an error.
   */
  CHAT,
  /**
   * No template: BOS (if the tokenizer adds one), the system prompt followed by a blank line,
   * the prompt messages' contents, then the response. No control tokens.
   */
  PLAIN
}

package dev.endoreward.spark.config;

import dev.endoreward.text.TemplateMode;

/** The configured way a pair becomes text; {@link #AUTO} leaves the choice to the tokenizer's files. */
public enum TemplateChoice {
  /** The chat template when the tokenizer has one, plain text otherwise. */
  AUTO(null),
  /** The tokenizer's chat template; a model without one is an error. */
  CHAT(TemplateMode.CHAT_TEMPLATE),
  /** Plain text, no control tokens. */
  PLAIN(TemplateMode.PLAIN);

  private final TemplateMode mode;

  TemplateChoice(TemplateMode mode) {
    this.mode = mode;
  }

  /** The engine's template mode; null for {@link #AUTO}, which the engine resolves from the tokenizer. */
  public TemplateMode toTemplateMode() {
    return mode;
  }
}

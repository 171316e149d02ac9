package dev.endoreward.text;

/**
 * A conversation the chat template cannot render, or renders inconsistently. The message is
 * the {@code reject_detail} of the row; it is a row-level problem, never a configuration one.
 */
final class TemplateRenderException extends Exception {
  private static final long serialVersionUID = 1L;

  TemplateRenderException(String detail) {
    super(detail);
  }
}

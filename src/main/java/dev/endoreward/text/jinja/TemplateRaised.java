package dev.endoreward.text.jinja;

/** Thrown by a template's {@code raise_exception(message)}; the message is the template's own. */
public final class TemplateRaised extends RuntimeException {
  private static final long serialVersionUID = 1L;

  TemplateRaised(String message) {
    super(message, null, false, false);
  }
}

package dev.endoreward.text;

import com.hubspot.jinjava.interpret.AutoCloseableSupplier;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import dev.endoreward.text.jinja.TemplateRaised;
import dev.endoreward.text.jinja.TransformersJinjava;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Hugging Face chat template rendered as transformers' {@code apply_chat_template} renders it
 * with jinja2 (see {@link TransformersJinjava}): with the variables {@code messages},
 * {@code add_generation_prompt}, {@code tools=None}, {@code documents=None}, the special tokens
 * ({@code bos_token}, {@code eos_token}, {@code unk_token}, {@code pad_token}) where the tokenizer
 * config sets them, and the configured {@link TemplateVariables}. Variable values are never
 * rendered again (content containing {@code {{ }} stays text). {@code strftime_now} reads the
 * clock, as transformers does; tests pin it.
 *
 * <p>Thread-safe: every render gets its own interpreter.
 */
final class ChatTemplate {
  private static final TransformersJinjava JINJAVA = new TransformersJinjava();

  private final String source;
  private final String jinja2Source;
  private final Map<String, Object> variables;
  private final Clock clock;

  /** A template with no extra variables, on the system clock. */
  ChatTemplate(String source, Map<String, String> specialTokens) {
    this(source, specialTokens, TemplateVariables.NONE, Clock.systemDefaultZone());
  }

  /**
   * @param source the Jinja template text
   * @param specialTokens template variables such as {@code bos_token}, by name
   * @param extra the configured variables, such as {@code enable_thinking}
   * @param clock what {@code strftime_now} reads
   * @throws IllegalArgumentException if the template does not parse, or has a lone surrogate
   */
  ChatTemplate(String source, Map<String, String> specialTokens, TemplateVariables extra, Clock clock) {
    WellFormedText.problem("the chat template", source).ifPresent(problem -> {
      throw new IllegalArgumentException(problem);
    });
    this.source = source;
    this.jinja2Source = TransformersJinjava.prepare(source);
    Map<String, Object> all = new HashMap<>(extra.values());
    all.putAll(specialTokens);
    all.put("tools", null);
    all.put("documents", null);
    this.variables = all;
    this.clock = clock;
    checkParses();
  }

  String source() {
    return source;
  }

  /** The time {@code strftime_now} shows for a render now. */
  ZonedDateTime now() {
    return ZonedDateTime.now(clock);
  }

  /**
   * The conversation as text, at the current time.
   *
   * @throws TemplateRenderException if the template raises or fails on these messages
   */
  String render(List<ChatMessage> messages, boolean addGenerationPrompt)
      throws TemplateRenderException {
    return render(messages, addGenerationPrompt, now());
  }

  /**
   * The conversation as text, with {@code strftime_now} showing {@code now}.
   *
   * @throws TemplateRenderException if the template raises or fails on these messages
   */
  String render(List<ChatMessage> messages, boolean addGenerationPrompt, ZonedDateTime now)
      throws TemplateRenderException {
    Map<String, Object> bindings = new HashMap<>(variables);
    bindings.put("messages", asMaps(messages));
    bindings.put("add_generation_prompt", addGenerationPrompt);
    RenderResult result = JINJAVA.render(jinja2Source, bindings, now);
    if (!result.getErrors().isEmpty()) {
      throw new TemplateRenderException(describe(result.getErrors().get(0)));
    }
    return result.getOutput();
  }

  private void checkParses() {
    JinjavaInterpreter interpreter = JINJAVA.newInterpreter();
    try (AutoCloseableSupplier.AutoCloseableImpl<JinjavaInterpreter> current =
        JinjavaInterpreter.closeablePushCurrent(interpreter).get()) {
      current.value().parse(jinja2Source);
    }
    if (!interpreter.getErrors().isEmpty()) {
      throw new IllegalArgumentException(
          "chat template does not parse: " + describe(interpreter.getErrors().get(0)));
    }
  }

  private static List<Map<String, Object>> asMaps(List<ChatMessage> messages) {
    List<Map<String, Object>> maps = new ArrayList<>(messages.size());
    for (ChatMessage message : messages) {
      Map<String, Object> map = new LinkedHashMap<>();
      map.put("role", message.role());
      map.put("content", message.content());
      maps.add(map);
    }
    return maps;
  }

  private static String describe(TemplateError error) {
    for (Throwable cause = error.getException(); cause != null; cause = cause.getCause()) {
      if (cause instanceof TemplateRaised raised) {
        return "chat template raised an exception: " + raised.getMessage();
      }
    }
    return "chat template failed to render: " + error.getMessage();
  }
}

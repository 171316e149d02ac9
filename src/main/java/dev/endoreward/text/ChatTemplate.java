package dev.endoreward.text;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.interpret.AutoCloseableSupplier;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Hugging Face chat template rendered with Jinjava, configured so that its output equals
 * Python jinja2's as transformers' {@code apply_chat_template} sets it up: {@code trim_blocks},
 * {@code lstrip_blocks}, {@code {%-}/{{-} whitespace control, Python operator precedence and
 * string escapes, no re-rendering of variable values (content containing {@code {{ }} stays
 * text), a {@code raise_exception(message)} function, and the variables {@code messages},
 * {@code add_generation_prompt} and the special tokens ({@code bos_token}, {@code eos_token},
 * {@code unk_token}, {@code pad_token}) where the tokenizer config sets them.
 *
 * <p>Known differences from jinja2 that no supported template relies on: booleans and
 * {@code none} print as {@code true}/empty, {@code tojson} is compact, there is no
 * {@code strftime_now}, and Python string methods other than those Java's {@code String} shares
 * ({@code strip()}...) are missing. A template that uses them fails or renders differently; the
 * tests pin the templates this project renders byte for byte against jinja2.
 *
 * <p>Thread-safe: every render gets its own interpreter.
 */
final class ChatTemplate {
  private final String source;
  private final String jinja2Source;
  private final Map<String, String> specialTokens;
  private final Jinjava jinjava;

  /**
   * @param source the Jinja template text
   * @param specialTokens template variables such as {@code bos_token}, by name
   * @throws IllegalArgumentException if the template does not parse
   */
  ChatTemplate(String source, Map<String, String> specialTokens) {
    this.source = source;
    this.jinja2Source = asJinja2ReadsIt(source);
    this.specialTokens = Map.copyOf(specialTokens);
    this.jinjava = new Jinjava(transformersLikeConfig());
    jinjava.registerFunction(
        new ELFunctionDefinition(
            "", "raise_exception", ChatTemplate.class, "raiseException", String.class));
    checkParses();
  }

  String source() {
    return source;
  }

  /**
   * The conversation as text.
   *
   * @throws TemplateRenderException if the template raises or fails on these messages
   */
  String render(List<ChatMessage> messages, boolean addGenerationPrompt)
      throws TemplateRenderException {
    Map<String, Object> variables = new HashMap<>(specialTokens);
    variables.put("messages", asMaps(messages));
    variables.put("add_generation_prompt", addGenerationPrompt);
    RenderResult result = jinjava.renderForResult(jinja2Source, variables);
    if (!result.getErrors().isEmpty()) {
      throw new TemplateRenderException(describe(result.getErrors().get(0)));
    }
    return result.getOutput();
  }

  /** The template's {@code raise_exception}: stops the render with the template's message. */
  public static String raiseException(String message) {
    throw new RaisedByTemplate(message);
  }

  private static JinjavaConfig transformersLikeConfig() {
    LegacyOverrides jinja2Semantics =
        LegacyOverrides.newBuilder()
            .withParseWhitespaceControlStrictly(true)
            .withUseTrimmingForNotesAndExpressions(true)
            .withUseNaturalOperatorPrecedence(true)
            .withHandleBackslashInQuotesOnly(true)
            .withUsePyishObjectMapper(true)
            .withKeepNullableLoopValues(true)
            .build();
    return JinjavaConfig.newBuilder()
        .withTrimBlocks(true)
        .withLstripBlocks(true)
        .withNestedInterpretationEnabled(false)
        .withFailOnUnknownTokens(false)
        .withLegacyOverrides(jinja2Semantics)
        .build();
  }

  /**
   * jinja2's lexer turns every {@code \r\n} and {@code \r} of the source into {@code \n}
   * and drops one trailing newline ({@code keep_trailing_newline=False}). Jinjava's own
   * option strips the output's trailing newline instead, so the source is prepared here.
   */
  private static String asJinja2ReadsIt(String source) {
    String unified = source.replace("\r\n", "\n").replace('\r', '\n');
    return unified.endsWith("\n") ? unified.substring(0, unified.length() - 1) : unified;
  }

  private void checkParses() {
    JinjavaInterpreter interpreter = jinjava.newInterpreter();
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
      if (cause instanceof RaisedByTemplate raised) {
        return "chat template raised an exception: " + raised.getMessage();
      }
    }
    return "chat template failed to render: " + error.getMessage();
  }

  /** Thrown by {@code raise_exception}; Jinjava records it as the render's error. */
  private static final class RaisedByTemplate extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RaisedByTemplate(String message) {
      super(message, null, false, false);
    }
  }
}

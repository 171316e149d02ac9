package dev.endoreward.text;

import static dev.endoreward.text.Conversations.assistant;
import static dev.endoreward.text.Conversations.system;
import static dev.endoreward.text.Conversations.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.endoreward.testing.SharedFixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The Java renderer against Python jinja2 configured as transformers does, byte for byte, on
 * the real templates of current model families and the ones rendered before them: ordinary and
 * awkward conversations, with and without a system prompt and the generation prompt, earlier
 * reasoning turns, and each template's optional variables. Where jinja2 refuses a conversation,
 * the Java renderer must refuse it too, with the template's own message.
 */
class TestChatTemplateParity {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The optional variables each family's template reads, one set per render. */
  private static final Map<String, List<Map<String, Object>>> OPTIONS = Map.of(
      "qwen3", List.of(Map.of("enable_thinking", false), Map.of("enable_thinking", true)),
      "qwen3-early", List.of(Map.of("enable_thinking", false), Map.of("enable_thinking", true)),
      "llama-3.1", List.of(Map.of("date_string", "01 Jan 2025"), Map.of("tools_in_user_message", false)),
      "llama-3.2", List.of(Map.of("date_string", "01 Jan 2025"), Map.of("tools_in_user_message", false)));

  @TestFactory
  Stream<DynamicTest> everyTemplateRendersAsJinja2Does() {
    return CurrentTemplates.all().stream().flatMap(TestChatTemplateParity::parity);
  }

  @Test
  void strftimeNowShowsTodayWhenTheClockIsNotPinned() throws TemplateRenderException {
    CurrentTemplates.Family llama = CurrentTemplates.named("llama-3.2");
    ChatTemplate template = new ChatTemplate(llama.source(), llama.specialTokens());
    DateTimeFormatter format = DateTimeFormatter.ofPattern("dd MMM yyyy", Locale.ENGLISH);
    String before = LocalDate.now().format(format);

    String text = template.render(List.of(user("Hi")), true);

    String after = LocalDate.now().format(format);
    assertThat(text).containsAnyOf("Today Date: " + before + "\n", "Today Date: " + after + "\n");
  }

  @Test
  void raiseExceptionStopsTheRenderWithTheTemplatesMessage() throws IOException {
    TokenizerConfig config = config(SharedFixtures.projectDir().resolve("src/demo/model"));
    ChatTemplate template = new ChatTemplate(config.chatTemplate(), config.specialTokens());
    List<ChatMessage> messages = List.of(user("hi"), new ChatMessage("tool", "42"));

    ReferenceRenderer.Result reference =
        ReferenceRenderer.render(
                config.chatTemplate(),
                config.specialTokens(),
                List.of(new ReferenceRenderer.Case(messages, true)))
            .get(0);

    assertThat(reference.error()).isEqualTo("TemplateError: Unknown role: tool");
    assertThatThrownBy(() -> template.render(messages, true))
        .isInstanceOf(TemplateRenderException.class)
        .hasMessage("chat template raised an exception: Unknown role: tool");
  }

  @Test
  void trailingNewlineAndCarriageReturnsOfTheSourceAreReadAsJinja2ReadsThem()
      throws TemplateRenderException {
    String source = "{{ messages[0]['content'] }}\r\nline\rend\n";
    ChatTemplate template = new ChatTemplate(source, Map.of());
    List<ChatMessage> messages = List.of(user("a\r\nb\n"));

    String expected =
        ReferenceRenderer.renderOne(source, Map.of(), new ReferenceRenderer.Case(messages, false));

    assertThat(expected).isEqualTo("a\r\nb\n\nline\nend");
    assertThat(template.render(messages, false)).isEqualTo(expected);
  }

  @Test
  void aTemplateThatDoesNotParseIsRejectedUpFront() {
    assertThatThrownBy(() -> new ChatTemplate("{% for m in messages %}{{ m }}", Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("chat template does not parse:");
  }

  private static Stream<DynamicTest> parity(CurrentTemplates.Family family) {
    List<String> labels = new ArrayList<>();
    List<ReferenceRenderer.Case> cases = new ArrayList<>();
    Conversations.ordinary()
        .forEach(
            (label, chat) -> {
              labels.add(label + ", prompt with generation prompt");
              cases.add(new ReferenceRenderer.Case(chat.prompt(), true));
              labels.add(label + ", prompt without generation prompt");
              cases.add(new ReferenceRenderer.Case(chat.prompt(), false));
              labels.add(label + ", with response");
              cases.add(new ReferenceRenderer.Case(chat.full(), false));
            });
    labels.add("control-token literals in content, prompt");
    cases.add(new ReferenceRenderer.Case(Conversations.injection().prompt(), true));
    labels.add("control-token literals in content, with response");
    cases.add(new ReferenceRenderer.Case(Conversations.injection().full(), false));
    labels.add("system prompt after the first turn");
    cases.add(
        new ReferenceRenderer.Case(List.of(user("a"), system("late"), assistant("b")), false));
    List<ChatMessage> reasoning =
        List.of(user("What is 1+1?"), assistant("<think>\nadd them\n</think>\n\n2"), user("And 2+2?"));
    labels.add("earlier turn with reasoning, prompt");
    cases.add(new ReferenceRenderer.Case(reasoning, true));
    List<ChatMessage> reasoned = new ArrayList<>(reasoning);
    reasoned.add(assistant("<think>\nagain\n</think>\n\n4"));
    labels.add("earlier turn with reasoning, response with reasoning");
    cases.add(new ReferenceRenderer.Case(reasoned, false));
    for (Map<String, Object> options : OPTIONS.getOrDefault(family.name(), List.of())) {
      Conversations.ordinary().entrySet().stream()
          .limit(4)
          .forEach(
              chat -> {
                labels.add(chat.getKey() + " with " + options + ", prompt");
                cases.add(new ReferenceRenderer.Case(chat.getValue().prompt(), true, options));
                labels.add(chat.getKey() + " with " + options + ", with response");
                cases.add(new ReferenceRenderer.Case(chat.getValue().full(), false, options));
              });
    }

    List<ReferenceRenderer.Result> expected =
        ReferenceRenderer.render(family.source(), family.specialTokens(), cases);
    Map<Map<String, Object>, ChatTemplate> templates = new HashMap<>();
    return IntStream.range(0, cases.size())
        .mapToObj(
            i ->
                DynamicTest.dynamicTest(
                    family.name() + ": " + labels.get(i),
                    () -> {
                      ReferenceRenderer.Case c = cases.get(i);
                      ChatTemplate template =
                          templates.computeIfAbsent(c.variables(), options -> template(family, options));
                      assertRendersAs(template, c, expected.get(i));
                    }));
  }

  private static ChatTemplate template(CurrentTemplates.Family family, Map<String, Object> options) {
    try {
      TemplateVariables variables = TemplateVariables.parse(JSON.writeValueAsString(options));
      return new ChatTemplate(family.source(), family.specialTokens(), variables, ReferenceRenderer.CLOCK);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The same text as jinja2, or a refusal where jinja2 refused: with its message for raise_exception. */
  private static void assertRendersAs(
      ChatTemplate template, ReferenceRenderer.Case c, ReferenceRenderer.Result expected) {
    if (expected.text() != null) {
      String text;
      try {
        text = template.render(c.messages(), c.addGenerationPrompt());
      } catch (TemplateRenderException e) {
        throw new AssertionError("jinja2 renders it, the Java renderer refuses: " + e.getMessage(), e);
      }
      assertThat(text).isEqualTo(expected.text());
      return;
    }
    String raised = "TemplateError: ";
    var refusal = assertThatThrownBy(() -> template.render(c.messages(), c.addGenerationPrompt()))
        .as("jinja2 refuses it: " + expected.error())
        .isInstanceOf(TemplateRenderException.class);
    if (expected.error().startsWith(raised)) {
      refusal.hasMessage("chat template raised an exception: " + expected.error().substring(raised.length()));
    }
  }

  private static TokenizerConfig config(Path folder) throws IOException {
    Path file = folder.resolve("tokenizer_config.json");
    assertThat(Files.isRegularFile(file)).as(file + " exists").isTrue();
    return TokenizerConfig.read(file, JSON);
  }
}

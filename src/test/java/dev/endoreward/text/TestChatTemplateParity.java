package dev.endoreward.text;

import static dev.endoreward.text.Conversations.assistant;
import static dev.endoreward.text.Conversations.system;
import static dev.endoreward.text.Conversations.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.endoreward.testing.SharedFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The Java renderer against Python jinja2 configured as transformers does, byte for byte, on
 * the real templates this project renders.
 */
class TestChatTemplateParity {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TestFactory
  Stream<DynamicTest> phi3MiniMatchesJinja2() throws IOException {
    return parity("phi-3-mini", SharedFixtures.sharedDir().resolve("tokenizers/phi-3-mini"));
  }

  @TestFactory
  Stream<DynamicTest> qwen25MatchesJinja2() throws IOException {
    return parity(
        "qwen2.5", SharedFixtures.sharedDir().resolve("tokenizers/qwen2.5-chat-template"));
  }

  @TestFactory
  Stream<DynamicTest> demoModelMatchesJinja2() throws IOException {
    return parity("demo", SharedFixtures.projectDir().resolve("src/demo/model"));
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

  private static Stream<DynamicTest> parity(String name, Path folder) throws IOException {
    TokenizerConfig config = config(folder);
    assertThat(config.chatTemplate()).as("chat template of " + folder).isNotNull();
    ChatTemplate template = new ChatTemplate(config.chatTemplate(), config.specialTokens());
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
    labels.add("control-token literals in content");
    cases.add(new ReferenceRenderer.Case(Conversations.injection().full(), false));
    labels.add("system prompt after the first turn");
    cases.add(
        new ReferenceRenderer.Case(List.of(user("a"), system("late"), assistant("b")), false));

    List<ReferenceRenderer.Result> expected =
        ReferenceRenderer.render(config.chatTemplate(), config.specialTokens(), cases);
    return IntStream.range(0, cases.size())
        .mapToObj(
            i ->
                DynamicTest.dynamicTest(
                    name + ": " + labels.get(i),
                    () -> {
                      ReferenceRenderer.Case c = cases.get(i);
                      assertThat(expected.get(i).error()).as("jinja2 error").isNull();
                      assertThat(template.render(c.messages(), c.addGenerationPrompt()))
                          .isEqualTo(expected.get(i).text());
                    }));
  }

  private static TokenizerConfig config(Path folder) throws IOException {
    Path file = folder.resolve("tokenizer_config.json");
    assertThat(Files.isRegularFile(file)).as(file + " exists").isTrue();
    return TokenizerConfig.read(file, JSON);
  }
}

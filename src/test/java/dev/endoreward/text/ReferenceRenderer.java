package dev.endoreward.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.endoreward.testing.SharedFixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders chat templates with Python jinja2 as transformers configures it
 * ({@code src/test/python/render_chat_template.py}), many cases per Python start. The reference's
 * {@code strftime_now} sees {@link #NOW}; Java renders compare with {@link #CLOCK}.
 */
final class ReferenceRenderer {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The date and time both renderers show through {@code strftime_now}. */
  static final String NOW = "2024-07-26T09:30:00";

  /** A clock stopped at {@link #NOW}, in UTC. */
  static final Clock CLOCK = Clock.fixed(Instant.parse(NOW + "Z"), ZoneOffset.UTC);

  /** One render request; {@code variables} are added to the request's. */
  record Case(List<ChatMessage> messages, boolean addGenerationPrompt, Map<String, Object> variables) {
    Case(List<ChatMessage> messages, boolean addGenerationPrompt) {
      this(messages, addGenerationPrompt, Map.of());
    }

    RawCase raw() {
      List<Map<String, Object>> maps = new ArrayList<>();
      for (ChatMessage message : messages) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("role", message.role());
        map.put("content", message.content());
        maps.add(map);
      }
      return new RawCase(maps, addGenerationPrompt, variables);
    }
  }

  /** A render request whose messages may be any JSON value (tool calls, list content). */
  record RawCase(Object messages, boolean addGenerationPrompt, Map<String, Object> variables) {}

  /** The outcome of one render: text, or the error jinja2 raised. */
  record Result(String text, String error) {}

  private ReferenceRenderer() {}

  static List<Result> render(String template, Map<String, ?> variables, List<Case> cases) {
    return renderRaw(template, variables, cases.stream().map(Case::raw).toList());
  }

  static List<Result> renderRaw(String template, Map<String, ?> variables, List<RawCase> cases) {
    ObjectNode request = JSON.createObjectNode();
    request.put("template", template);
    request.set("variables", JSON.valueToTree(variables));
    request.put("now", NOW);
    ArrayNode list = request.putArray("cases");
    for (RawCase c : cases) {
      ObjectNode node = list.addObject();
      node.set("messages", JSON.valueToTree(c.messages()));
      node.put("add_generation_prompt", c.addGenerationPrompt());
      node.set("variables", JSON.valueToTree(c.variables()));
    }
    try {
      String out =
          SharedFixtures.runPython(
              List.of("src/test/python/render_chat_template.py"),
              JSON.writeValueAsString(request));
      List<Result> results = new ArrayList<>();
      for (JsonNode render : JSON.readTree(out).get("renders")) {
        results.add(
            new Result(
                render.has("text") ? render.get("text").asText() : null,
                render.has("error") ? render.get("error").asText() : null));
      }
      return results;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The full text of one case; fails if jinja2 raised. */
  static String renderOne(String template, Map<String, String> variables, Case c) {
    Result result = render(template, variables, List.of(c)).get(0);
    if (result.error() != null) {
      throw new IllegalStateException("Cannot render reference text: " + result.error());
    }
    return result.text();
  }

  /**
   * One ordinary conversation rendered by jinja2 twice: its prompt with the generation prompt, and
   * the whole chat with the response.
   */
  record RenderedChat(String label, Conversations.Conversation conversation, String promptText, String fullText) {}

  /** Every conversation of {@link Conversations#ordinary()}, rendered by jinja2 in one call. */
  static List<RenderedChat> renderOrdinaryChats(String template, Map<String, String> variables) {
    Map<String, Conversations.Conversation> chats = Conversations.ordinary();
    List<Case> cases = new java.util.ArrayList<>();
    chats.values().forEach(c -> {
      cases.add(new Case(c.prompt(), true));
      cases.add(new Case(c.full(), false));
    });
    List<Result> texts = render(template, variables, cases);
    List<RenderedChat> rendered = new java.util.ArrayList<>();
    int i = 0;
    for (Map.Entry<String, Conversations.Conversation> chat : chats.entrySet()) {
      rendered.add(new RenderedChat(chat.getKey(), chat.getValue(), texts.get(2 * i).text(), texts.get(2 * i + 1).text()));
      i++;
    }
    return rendered;
  }
}

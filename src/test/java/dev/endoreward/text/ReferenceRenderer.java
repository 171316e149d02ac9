package dev.endoreward.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.endoreward.testing.SharedFixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Renders chat templates with Python jinja2 as transformers configures it
 * ({@code src/test/python/render_chat_template.py}), many cases per Python start.
 */
final class ReferenceRenderer {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One render request. */
  record Case(List<ChatMessage> messages, boolean addGenerationPrompt) {}

  /** The outcome of one render: text, or the error jinja2 raised. */
  record Result(String text, String error) {}

  private ReferenceRenderer() {}

  static List<Result> render(String template, Map<String, String> variables, List<Case> cases) {
    ObjectNode request = JSON.createObjectNode();
    request.put("template", template);
    ObjectNode vars = request.putObject("variables");
    variables.forEach(vars::put);
    ArrayNode list = request.putArray("cases");
    for (Case c : cases) {
      ObjectNode node = list.addObject();
      ArrayNode messages = node.putArray("messages");
      for (ChatMessage message : c.messages()) {
        messages.addObject().put("role", message.role()).put("content", message.content());
      }
      node.put("add_generation_prompt", c.addGenerationPrompt());
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
}

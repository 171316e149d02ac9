package dev.endoreward.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code tokenizer_config.json} says about chat rendering: the chat template, the special
 * tokens the template may print, and whether a BOS token starts every sequence.
 *
 * @param chatTemplate the template text, or null if there is none (an empty text is none); when
 *     the file holds a list of named templates, the one named {@code default}. This is the one
 *     rule for whether a tokenizer has a chat template.
 * @param specialTokens {@code bos_token}, {@code eos_token}, {@code unk_token} and
 *     {@code pad_token} where set, by variable name
 * @param addBosToken {@code add_bos_token}, or null when the file does not say
 */
record TokenizerConfig(
    String chatTemplate, Map<String, String> specialTokens, Boolean addBosToken) {
  static final String BOS_TOKEN = "bos_token";
  static final List<String> SPECIAL_TOKEN_KEYS =
      List.of(BOS_TOKEN, "eos_token", "unk_token", "pad_token");

  /**
   * @throws IllegalArgumentException if the file is malformed
   * @throws IOException if it cannot be read
   */
  static TokenizerConfig read(Path file, ObjectMapper json) throws IOException {
    JsonNode root = json.readTree(file.toFile());
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException(file.getFileName() + " is not a JSON object");
    }
    Map<String, String> specialTokens = new LinkedHashMap<>();
    for (String key : SPECIAL_TOKEN_KEYS) {
      String token = tokenText(root.get(key), key);
      if (token != null) {
        specialTokens.put(key, token);
      }
    }
    JsonNode addBos = root.get("add_bos_token");
    if (addBos != null && !addBos.isNull() && !addBos.isBoolean()) {
      throw new IllegalArgumentException("add_bos_token is not a boolean: " + addBos);
    }
    Boolean addBosToken = addBos == null || addBos.isNull() ? null : addBos.booleanValue();
    return new TokenizerConfig(
        chatTemplate(root.get("chat_template")), Map.copyOf(specialTokens), addBosToken);
  }

  String bosToken() {
    return specialTokens.get(BOS_TOKEN);
  }

  /** A special token is a string, or an AddedToken object with a {@code content} field. */
  private static String tokenText(JsonNode node, String key) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (node.isTextual()) {
      return node.asText();
    }
    if (node.isObject() && node.path("content").isTextual()) {
      return node.get("content").asText();
    }
    throw new IllegalArgumentException(key + " is neither a string nor a token object: " + node);
  }

  private static String chatTemplate(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (node.isTextual()) {
      return node.asText().isEmpty() ? null : node.asText();
    }
    if (node.isArray()) {
      for (JsonNode named : node) {
        if ("default".equals(named.path("name").asText(null))
            && named.path("template").isTextual()) {
          return named.get("template").asText();
        }
      }
      throw new IllegalArgumentException("chat_template lists no template named 'default'");
    }
    throw new IllegalArgumentException("chat_template is neither a string nor a list");
  }
}

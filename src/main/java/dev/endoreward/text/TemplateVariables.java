package dev.endoreward.text;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.endoreward.text.jinja.TransformersJinjava;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Extra variables for the chat template, such as Qwen3's {@code enable_thinking}: a JSON object
 * whose values the template sees as Python values (booleans, numbers, strings, lists, dicts,
 * none), as {@code apply_chat_template(..., enable_thinking=False)} passes them in transformers.
 * Names the renderer sets itself ({@link #RESERVED}) are refused.
 *
 * <p>Immutable and serializable; equal when their JSON text is.
 */
public final class TemplateVariables implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /**
   * The names the renderer sets itself: the conversation, {@code add_generation_prompt}, the special
   * tokens, {@code tools} and {@code documents} (none, as transformers passes them without tools),
   * and the functions {@code raise_exception} and {@code strftime_now}.
   */
  public static final Set<String> RESERVED = reserved();

  /** No extra variables. */
  public static final TemplateVariables NONE = new TemplateVariables("", Map.of());

  private final String json;
  private transient Map<String, Object> values;

  private TemplateVariables(String json, Map<String, Object> values) {
    this.json = json;
    this.values = values;
  }

  /**
   * The variables of a JSON object such as {@code {"enable_thinking": false}}; empty text is none.
   *
   * @throws IllegalArgumentException with the reason, if the text is not a JSON object, names a
   *     variable that is reserved or not a valid name, or holds text with a lone surrogate (which JSON's
   *     escapes can spell, but no tokenizer can encode)
   */
  public static TemplateVariables parse(String json) {
    if (json == null || json.isBlank()) {
      return NONE;
    }
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not valid JSON (" + e.getOriginalMessage() + ")");
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("expected a JSON object such as {\"enable_thinking\": false}");
    }
    List<String> names = new ArrayList<>();
    root.fieldNames().forEachRemaining(names::add);
    for (String name : names) {
      if (RESERVED.contains(name)) {
        throw new IllegalArgumentException("'" + name + "' is set by the renderer itself (reserved: "
            + String.join(", ", RESERVED) + ")");
      }
      if (!NAME.matcher(name).matches()) {
        throw new IllegalArgumentException("'" + name + "' is not a template variable name (letters,"
            + " digits and _, not starting with a digit)");
      }
    }
    if (names.isEmpty()) {
      return NONE;
    }
    for (String name : names) {
      checkWellFormed(name, root.get(name));
    }
    try {
      String canonical = JSON.writeValueAsString(root);
      return new TemplateVariables(canonical, read(canonical));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The variables by name, as the template sees them; unmodifiable. */
  public Map<String, Object> values() {
    Map<String, Object> read = values;
    if (read == null) {
      read = json.isEmpty() ? Map.of() : read(json);
      values = read;
    }
    return read;
  }

  /** The canonical JSON text; empty for none. */
  public String json() {
    return json;
  }

  public boolean isEmpty() {
    return json.isEmpty();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof TemplateVariables variables && variables.json.equals(json);
  }

  @Override
  public int hashCode() {
    return json.hashCode();
  }

  @Override
  public String toString() {
    return json.isEmpty() ? "{}" : json;
  }

  /** Every string in a variable's value, keys of nested objects included, must be Unicode text. */
  private static void checkWellFormed(String name, JsonNode value) {
    String what = "template variable '" + name + "'";
    if (value.isTextual()) {
      WellFormedText.problem(what, value.textValue()).ifPresent(problem -> {
        throw new IllegalArgumentException(problem);
      });
    }
    value.fieldNames().forEachRemaining(key -> WellFormedText.problem(what + " key", key).ifPresent(problem -> {
      throw new IllegalArgumentException(problem);
    }));
    value.elements().forEachRemaining(element -> checkWellFormed(name, element));
  }

  private static Map<String, Object> read(String json) {
    try {
      @SuppressWarnings("unchecked")
      Map<String, Object> map = JSON.readValue(json, LinkedHashMap.class);
      return unmodifiable(map);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static <T> T unmodifiable(T value) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> copy = new LinkedHashMap<>();
      map.forEach((key, item) -> copy.put((String) key, unmodifiable(item)));
      return (T) Collections.unmodifiableMap(copy);
    }
    if (value instanceof List<?> list) {
      List<Object> copy = new ArrayList<>();
      list.forEach(item -> copy.add(unmodifiable(item)));
      return (T) Collections.unmodifiableList(copy);
    }
    return value;
  }

  private static Set<String> reserved() {
    Set<String> names = new TreeSet<>(List.of("messages", "add_generation_prompt", "tools", "documents"));
    names.addAll(TokenizerConfig.SPECIAL_TOKEN_KEYS);
    names.addAll(TransformersJinjava.GLOBALS);
    return Collections.unmodifiableSet(names);
  }
}

package dev.endoreward.text;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A parsed {@code tokenizer.json}, and the two variants of it that encode message content.
 *
 * <p><b>Content variant.</b> Hugging Face tokenizers turn any literal text equal to an added
 * token into that token, whatever the flags. So content is encoded with a copy whose
 * {@code added_tokens} are moved into {@code model.vocab} under the same ids: they stay valid
 * ids but are no longer matched in text. Merges whose result is a control token are dropped, so
 * BPE cannot build one from pieces either. Only BPE models are supported, because for them this
 * makes control tokens unreachable from text.
 *
 * <p><b>Continuation variant.</b> The content variant without the dummy prefix: {@code Prepend}
 * normalizers removed, Metaspace {@code prepend_scheme} "never" (and {@code add_prefix_space}
 * false), ByteLevel {@code add_prefix_space} false. Text that continues earlier text across the
 * prompt/response boundary is encoded with it, so {@code "me"} stays {@code "me"} rather than
 * becoming {@code " me"}.
 */
final class TokenizerJson {
  private final ObjectMapper json;
  private final ObjectNode root;
  private final ObjectNode vocab;

  private TokenizerJson(ObjectMapper json, ObjectNode root, ObjectNode vocab) {
    this.json = json;
    this.root = root;
    this.vocab = vocab;
  }

  /** @throws IllegalArgumentException if the JSON is not a BPE tokenizer definition */
  static TokenizerJson parse(ObjectMapper json, byte[] bytes) throws IOException {
    JsonNode root = json.readTree(bytes);
    if (root == null || !root.isObject() || !root.path("model").isObject()) {
      throw new IllegalArgumentException("tokenizer.json has no model object");
    }
    JsonNode model = root.get("model");
    String type = model.path("type").asText(model.has("merges") ? "BPE" : "unknown");
    if (!"BPE".equals(type)) {
      throw new IllegalArgumentException(
          "model type "
              + type
              + " is not supported: only BPE tokenizers can be kept from forming control tokens"
              + " out of content");
    }
    if (!model.path("vocab").isObject()) {
      throw new IllegalArgumentException("tokenizer.json model has no vocab object");
    }
    return new TokenizerJson(json, (ObjectNode) root, (ObjectNode) model.get("vocab"));
  }

  /** The {@code added_tokens} entries, as control tokens. */
  List<ControlToken> addedTokens() {
    List<ControlToken> tokens = new ArrayList<>();
    for (JsonNode entry : root.path("added_tokens")) {
      String content = entry.path("content").asText("");
      if (!entry.path("id").canConvertToInt() || content.isEmpty()) {
        throw new IllegalArgumentException("malformed added_tokens entry: " + entry);
      }
      tokens.add(
          new ControlToken(
              entry.get("id").intValue(),
              content,
              entry.path("lstrip").asBoolean(false),
              entry.path("rstrip").asBoolean(false),
              entry.path("single_word").asBoolean(false)));
    }
    return tokens;
  }

  /** The id of a token, looked up in {@code added_tokens} first, then in the vocabulary. */
  OptionalInt idOf(String token) {
    for (ControlToken added : addedTokens()) {
      if (added.content().equals(token)) {
        return OptionalInt.of(added.id());
      }
    }
    JsonNode id = vocab.get(token);
    return id != null && id.canConvertToInt() ? OptionalInt.of(id.intValue()) : OptionalInt.empty();
  }

  /** One more than the largest id of the vocabulary and the added tokens. */
  int vocabularySize() {
    int max = -1;
    for (JsonNode id : vocab) {
      max = Math.max(max, id.intValue());
    }
    for (ControlToken added : addedTokens()) {
      max = Math.max(max, added.id());
    }
    return max + 1;
  }

  /** The content variant (see class doc), for the given control tokens. */
  ObjectNode contentVariant(Collection<ControlToken> controls) {
    ObjectNode copy = root.deepCopy();
    copy.putArray("added_tokens");
    ObjectNode model = (ObjectNode) copy.get("model");
    ObjectNode copyVocab = (ObjectNode) model.get("vocab");
    Map<Integer, String> byId = new HashMap<>();
    copyVocab.fields().forEachRemaining(e -> byId.put(e.getValue().intValue(), e.getKey()));
    for (ControlToken control : controls) {
      JsonNode existing = copyVocab.get(control.content());
      if (existing != null && existing.intValue() != control.id()) {
        throw new IllegalArgumentException(
            "control token '" + control.content() + "' has id " + control.id()
                + " but the vocabulary gives it id " + existing.intValue());
      }
      String holder = byId.get(control.id());
      if (holder != null && !holder.equals(control.content())) {
        throw new IllegalArgumentException(
            "control token '" + control.content() + "' has id " + control.id()
                + ", which the vocabulary already gives to '" + holder + "'");
      }
      copyVocab.put(control.content(), control.id());
    }
    Set<String> controlTexts =
        controls.stream().map(ControlToken::content).collect(Collectors.toSet());
    dropMergesProducing(model.path("merges"), controlTexts);
    return copy;
  }

  /** The continuation variant (see class doc) of a content variant. */
  static ObjectNode continuationVariant(ObjectNode contentVariant) {
    ObjectNode copy = contentVariant.deepCopy();
    JsonNode normalizer = copy.get("normalizer");
    if (normalizer != null && "Prepend".equals(normalizer.path("type").asText())) {
      copy.putNull("normalizer");
    } else if (normalizer != null) {
      dropPrepend(normalizer);
    }
    JsonNode preTokenizer = copy.get("pre_tokenizer");
    if (preTokenizer != null) {
      dropPrefixSpace(preTokenizer);
    }
    return copy;
  }

  /** Whether a Metaspace pre-tokenizer adds its prefix only at the very start of the input. */
  boolean prefixOnlyAtStart() {
    return hasFirstOnlyMetaspace(root.get("pre_tokenizer"));
  }

  String toJson(ObjectNode variant) {
    try {
      return json.writeValueAsString(variant);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot serialise tokenizer variant: " + e.getMessage(), e);
    }
  }

  private static void dropMergesProducing(JsonNode merges, Set<String> controlTexts) {
    if (!(merges instanceof ArrayNode)) {
      return;
    }
    for (Iterator<JsonNode> it = merges.elements(); it.hasNext(); ) {
      if (controlTexts.contains(mergedText(it.next()))) {
        it.remove();
      }
    }
  }

  /** A merge is {@code ["a", "b"]} or, in older files, {@code "a b"}. */
  private static String mergedText(JsonNode merge) {
    if (merge.isArray() && merge.size() == 2) {
      return merge.get(0).asText() + merge.get(1).asText();
    }
    String text = merge.asText();
    int space = text.indexOf(' ');
    return space < 0 ? text : text.substring(0, space) + text.substring(space + 1);
  }

  private static void dropPrepend(JsonNode normalizer) {
    JsonNode children = normalizer.get("normalizers");
    if (children instanceof ArrayNode list) {
      for (Iterator<JsonNode> it = list.elements(); it.hasNext(); ) {
        JsonNode child = it.next();
        if ("Prepend".equals(child.path("type").asText())) {
          it.remove();
        } else {
          dropPrepend(child);
        }
      }
    }
  }

  private static void dropPrefixSpace(JsonNode preTokenizer) {
    String type = preTokenizer.path("type").asText();
    if ("Metaspace".equals(type)) {
      ObjectNode metaspace = (ObjectNode) preTokenizer;
      metaspace.put("prepend_scheme", "never");
      if (metaspace.has("add_prefix_space")) {
        metaspace.put("add_prefix_space", false);
      }
    } else if ("ByteLevel".equals(type)) {
      ((ObjectNode) preTokenizer).put("add_prefix_space", false);
    }
    for (JsonNode child : preTokenizer.path("pretokenizers")) {
      dropPrefixSpace(child);
    }
  }

  private static boolean hasFirstOnlyMetaspace(JsonNode preTokenizer) {
    if (preTokenizer == null || preTokenizer.isNull()) {
      return false;
    }
    if ("Metaspace".equals(preTokenizer.path("type").asText())
        && "first".equals(preTokenizer.path("prepend_scheme").asText())) {
      return true;
    }
    for (JsonNode child : preTokenizer.path("pretokenizers")) {
      if (hasFirstOnlyMetaspace(child)) {
        return true;
      }
    }
    return false;
  }
}

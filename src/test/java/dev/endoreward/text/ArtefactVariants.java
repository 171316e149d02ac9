package dev.endoreward.text;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Consumer;

/** Edited copies of tokenizer folders, and the original Hugging Face tokenizer as reference. */
final class ArtefactVariants {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ArtefactVariants() {}

  /**
   * Copies {@code tokenizer.json} and {@code tokenizer_config.json} of {@code source} into
   * {@code target}, applying the edits to their JSON.
   */
  static Path edited(
      Path source,
      Path target,
      Consumer<ObjectNode> editTokenizer,
      Consumer<ObjectNode> editConfig) {
    try {
      Files.createDirectories(target);
      edit(source.resolve("tokenizer.json"), target.resolve("tokenizer.json"), editTokenizer);
      edit(
          source.resolve("tokenizer_config.json"),
          target.resolve("tokenizer_config.json"),
          editConfig);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A copy whose config holds {@code chatTemplate}. */
  static Path withTemplate(Path source, Path target, String chatTemplate) {
    return edited(
        source, target, tokenizer -> {}, config -> config.put("chat_template", chatTemplate));
  }

  /** Adds an entry to {@code added_tokens}. */
  static void addToken(ObjectNode tokenizer, int id, String content, boolean lstrip, boolean rstrip,
      boolean singleWord) {
    tokenizer
        .withArray("added_tokens")
        .addObject()
        .put("id", id)
        .put("content", content)
        .put("single_word", singleWord)
        .put("lstrip", lstrip)
        .put("rstrip", rstrip)
        .put("normalized", false)
        .put("special", true);
  }

  /** The folder's own tokenizer.json, as Hugging Face tokenizers loads it, without BOS. */
  static HuggingFaceTokenizer original(Path folder) throws IOException {
    return HuggingFaceTokenizer.newInstance(
        folder.resolve("tokenizer.json"),
        Map.of("truncation", "false", "padding", "false", "addSpecialTokens", "false"));
  }

  static int[] ids(HuggingFaceTokenizer tokenizer, String text, boolean addSpecialTokens) {
    return Arrays.stream(tokenizer.encode(text, addSpecialTokens, false).getIds())
        .mapToInt(Math::toIntExact)
        .toArray();
  }

  private static void edit(Path from, Path to, Consumer<ObjectNode> edit) throws IOException {
    ObjectNode root = (ObjectNode) JSON.readTree(from.toFile());
    edit.accept(root);
    JSON.writeValue(to.toFile(), root);
  }
}

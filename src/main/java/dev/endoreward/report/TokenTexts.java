package dev.endoreward.report;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * The text of each response token, decoded by the run's own tokenizer ({@code tokenizer.json} of the model
 * folder named in the run's settings). A token's text is what it adds to the decoding of the tokens before it,
 * so that word-start spaces and multi-byte characters split over byte tokens read as the model wrote them.
 */
final class TokenTexts implements AutoCloseable {
  private static final Map<String, String> OPTIONS = Map.of("truncation", "false", "padding", "false",
      "addSpecialTokens", "false");

  private final HuggingFaceTokenizer tokenizer;

  private TokenTexts(HuggingFaceTokenizer tokenizer) {
    this.tokenizer = tokenizer;
  }

  /**
   * The decoder of the model at {@code modelPath}, or null when there is none to read there (the model
   * folder is on another machine, or was moved): the report then shows token ids instead.
   */
  static TokenTexts open(String modelPath) {
    if (modelPath == null) {
      return null;
    }
    Path file = Path.of(modelPath).resolve("tokenizer.json");
    if (!Files.isReadable(file)) {
      return null;
    }
    try {
      return new TokenTexts(HuggingFaceTokenizer.newInstance(file, OPTIONS));
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /** The text each of {@code ids} adds, in order, control tokens included. */
  String[] decode(int[] ids) {
    String[] texts = new String[ids.length];
    long[] prefix = new long[0];
    String before = "";
    for (int i = 0; i < ids.length; i++) {
      prefix = Arrays.copyOf(prefix, i + 1);
      prefix[i] = ids[i];
      String after = tokenizer.decode(prefix, false);
      texts[i] = after.startsWith(before) ? after.substring(before.length())
          : tokenizer.decode(new long[] {ids[i]}, false);
      before = after;
    }
    return texts;
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}

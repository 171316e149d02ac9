package dev.endoreward.text;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Encodes one stretch of text between control tokens with a content tokenizer (see
 * {@link TokenizerJson}), so the text never yields a control token, and tells which tokens
 * came wholly from message content.
 *
 * <p>The DJL tokenizers are built with {@code truncation=false} (DJL otherwise truncates to
 * 512 tokens without a word) and {@code addSpecialTokens=false} (BOS is placed by the caller).
 * DJL's encode is a read-only call into an immutable Rust tokenizer, so concurrent encodes are
 * safe.
 */
final class SegmentTokenizer implements AutoCloseable {
  private static final Map<String, String> OPTIONS =
      Map.of("truncation", "false", "padding", "false", "addSpecialTokens", "false");

  /** Where a stretch of text sits, which decides whether it gets the dummy prefix. */
  enum Position {
    /** At the very start of the input: encoded as Hugging Face encodes a whole text. */
    START,
    /** Right after a control token: a fresh segment, as tokenizers split at added tokens. */
    AFTER_CONTROL,
    /** Continuing text that ended at the prompt/response boundary: no dummy prefix. */
    CONTINUATION
  }

  private final HuggingFaceTokenizer fresh;
  private final HuggingFaceTokenizer continuation;
  private final boolean prefixOnlyAtStart;

  /**
   * @param contentJson the content variant of tokenizer.json
   * @param continuationJson its continuation variant
   * @param prefixOnlyAtStart whether the dummy prefix goes only at the start of the input
   *     (Metaspace {@code prepend_scheme: first}), so text after a control token has none
   */
  SegmentTokenizer(String contentJson, String continuationJson, boolean prefixOnlyAtStart)
      throws IOException {
    this.fresh = load(contentJson);
    try {
      this.continuation = load(continuationJson);
    } catch (IOException | RuntimeException e) {
      fresh.close();
      throw e;
    }
    this.prefixOnlyAtStart = prefixOnlyAtStart;
  }

  /** Ids and cuttable flags of the text; a token is cuttable if all its chars are content. */
  TokenRun encode(AttributedText text, Position position) {
    boolean noPrefix =
        position == Position.CONTINUATION
            || (position == Position.AFTER_CONTROL && prefixOnlyAtStart);
    Encoding encoding = (noPrefix ? continuation : fresh).encode(text.text(), false, false);
    long[] ids = encoding.getIds();
    CharSpan[] spans = encoding.getCharTokenSpans();
    int[] charIndexOfCodePoint = charIndexOfCodePoint(text.text());
    TokenRun run = new TokenRun(ids.length);
    for (int i = 0; i < ids.length; i++) {
      CharSpan span = spans[i];
      boolean cuttable =
          span != null
              && text.allContent(
                  charIndexOfCodePoint[span.getStart()], charIndexOfCodePoint[span.getEnd()]);
      run.add(Math.toIntExact(ids[i]), cuttable);
    }
    return run;
  }

  @Override
  public void close() {
    fresh.close();
    continuation.close();
  }

  private static HuggingFaceTokenizer load(String tokenizerJson) throws IOException {
    return load(tokenizerJson.getBytes(StandardCharsets.UTF_8));
  }

  /** A DJL tokenizer of a {@code tokenizer.json}, with the options of the class doc. */
  static HuggingFaceTokenizer load(byte[] tokenizerJson) throws IOException {
    return HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(tokenizerJson), OPTIONS);
  }

  /** Token spans count code points: entry k is the char index of code point k (or the length). */
  private static int[] charIndexOfCodePoint(String text) {
    int[] index = new int[text.codePointCount(0, text.length()) + 1];
    int charIndex = 0;
    for (int k = 0; k < index.length - 1; k++) {
      index[k] = charIndex;
      charIndex += Character.charCount(text.codePointAt(charIndex));
    }
    index[index.length - 1] = text.length();
    return index;
  }
}

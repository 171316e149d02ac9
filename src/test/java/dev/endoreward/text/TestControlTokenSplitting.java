package dev.endoreward.text;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.endoreward.testing.SharedFixtures;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Template text is split at control tokens exactly as Hugging Face tokenizers splits at added
 * tokens ({@code lstrip}, {@code rstrip}, {@code single_word}), while content is never split.
 * The reference is the original tokenizer on the jinja2-rendered text.
 */
class TestControlTokenSplitting {
  private static final int TOOL_ID = 32011;

  /**
   * Template text around the content: {@code <|end|>} (made lstrip here, rstrip already)
   * absorbs the spaces on both sides; {@code <tool>} (single_word) only matches standing alone.
   */
  private static final String TEMPLATE =
      "{% for m in messages %}{% if m['role'] == 'user' %}"
          + "U: {{ m['content'] }} A  <|end|>  B x<tool>y <tool> z\n<|user|>\t\n C <|end|> "
          + "{% else %}{{ m['content'] }}<|end|>{% endif %}{% endfor %}";

  @TempDir Path temp;

  @Test
  void splicedIdsEqualTheOriginalTokenizerOnTemplateTextWithStripAndSingleWordTokens()
      throws Exception {
    Path folder =
        ArtefactVariants.edited(
            SharedFixtures.phi3Artefact(),
            temp.resolve("variant"),
            tokenizer -> {
              for (JsonNode token : tokenizer.get("added_tokens")) {
                if (token.get("content").asText().equals("<|end|>")) {
                  ((ObjectNode) token).put("lstrip", true);
                }
              }
              ArtefactVariants.addToken(tokenizer, TOOL_ID, "<tool>", false, false, true);
            },
            config -> config.put("chat_template", TEMPLATE));
    List<ChatMessage> prompt = List.of(Conversations.user("hi there"));
    List<ChatMessage> full = List.of(prompt.get(0), Conversations.assistant("fine"));
    String promptText =
        ReferenceRenderer.renderOne(TEMPLATE, Map.of(), new ReferenceRenderer.Case(prompt, true));
    String fullText =
        ReferenceRenderer.renderOne(TEMPLATE, Map.of(), new ReferenceRenderer.Case(full, false));

    try (PairEncoder encoder = PairEncoder.open(folder, TemplateMode.CHAT);
        HuggingFaceTokenizer original = ArtefactVariants.original(folder)) {
      int[] expectedPrompt = ArtefactVariants.ids(original, promptText, false);
      int[] expectedFull = ArtefactVariants.ids(original, fullText, false);
      EncodedPair pair = encoder.encode(new PairInput(null, prompt, "fine")).value();

      assertThat(expectedFull).startsWith(expectedPrompt);
      assertThat(countOf(expectedPrompt, TOOL_ID))
          .as("single_word: <tool> matches standing alone, not inside x<tool>y")
          .isEqualTo(1);
      assertThat(pair.promptIds()).containsExactly(expectedPrompt);
      assertThat(pair.responseIds())
          .containsExactly(
              Arrays.copyOfRange(expectedFull, expectedPrompt.length, expectedFull.length));
    }
  }

  private static long countOf(int[] ids, int id) {
    return Arrays.stream(ids).filter(each -> each == id).count();
  }
}

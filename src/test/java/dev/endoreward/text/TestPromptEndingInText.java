package dev.endoreward.text;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.endoreward.testing.SharedFixtures;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Qwen2.5's chat template, whose generation prompt ends in text ({@code assistant\n}) and which
 * puts a newline after the closing {@code <|im_end|>}. Qwen's own tokenizer.json is not
 * available, so phi-3-mini's tokenizer gets Qwen's two control tokens; the reference is that
 * tokenizer on jinja2's rendering.
 */
class TestPromptEndingInText {
  private static final int IM_START = 32011;
  private static final int IM_END = 32012;

  @TempDir static Path temp;

  private static PairEncoder encoder;
  private static HuggingFaceTokenizer original;
  private static String template;
  private static Map<String, String> variables;

  @BeforeAll
  static void open() throws Exception {
    template =
        new ObjectMapper()
            .readTree(
                SharedFixtures.sharedDir()
                    .resolve("tokenizers/qwen2.5-chat-template/tokenizer_config.json")
                    .toFile())
            .get("chat_template")
            .asText();
    Path folder =
        ArtefactVariants.edited(
            SharedFixtures.phi3Artefact(),
            temp.resolve("qwen-template"),
            tokenizer -> {
              ArtefactVariants.addToken(tokenizer, IM_START, "<|im_start|>", false, false, false);
              ArtefactVariants.addToken(tokenizer, IM_END, "<|im_end|>", false, false, false);
            },
            config -> config.put("chat_template", template).put("eos_token", "<|im_end|>"));
    encoder = PairEncoder.open(folder, TemplateMode.CHAT);
    original = ArtefactVariants.original(folder);
    variables = Map.of("bos_token", "<s>", "eos_token", "<|im_end|>", "unk_token", "<unk>",
        "pad_token", "<|endoftext|>");
  }

  @AfterAll
  static void close() {
    encoder.close();
    original.close();
  }

  @TestFactory
  Stream<DynamicTest> responseContinuesThePromptTextAndEndsAtImEnd() {
    return ReferenceRenderer.renderOrdinaryChats(template, variables).stream()
        .map(
            chat ->
                DynamicTest.dynamicTest(
                    chat.label(),
                    () -> {
                      String promptText = chat.promptText();
                      String fullText = chat.fullText();
                      assertThat(promptText).endsWith("<|im_start|>assistant\n");
                      assertThat(fullText).endsWith("<|im_end|>\n");
                      int[] expectedPrompt = ArtefactVariants.ids(original, promptText, false);
                      int[] full = ArtefactVariants.ids(original, fullText, false);
                      assertThat(full).startsWith(expectedPrompt);
                      int lastImEnd = full.length - 1;
                      while (full[lastImEnd] != IM_END) {
                        lastImEnd--;
                      }
                      int[] expectedResponse =
                          Arrays.copyOfRange(full, expectedPrompt.length, lastImEnd + 1);

                      EncodedPair pair = encoder.encode(chat.conversation().pair()).value();

                      assertThat(pair.promptIds()).containsExactly(expectedPrompt);
                      assertThat(pair.responseIds()).containsExactly(expectedResponse);
                    }));
  }
}

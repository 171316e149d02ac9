package dev.endoreward.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.endoreward.testing.SharedFixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PLAIN mode on the real stories260K model's exported tokenizer (llama2.c vocabulary, a
 * {@code Prepend " "} dummy prefix, BOS added by the post-processor).
 */
class TestPairEncoderStories260K {
  private static Path folder;
  private static JsonNode manifest;
  private static PairEncoder plain;
  private static HuggingFaceTokenizer original;

  @BeforeAll
  static void open() throws Exception {
    folder = SharedFixtures.storiesArtefact();
    manifest = new ObjectMapper().readTree(folder.resolve("manifest.json").toFile());
    plain = PairEncoder.open(folder, TemplateMode.PLAIN);
    original = ArtefactVariants.original(folder);
  }

  @AfterAll
  static void close() {
    plain.close();
    original.close();
  }

  @Test
  void theBoundaryInsideAWordIsAHardTokenBoundary() {
    int[] promptAlone = ArtefactVariants.ids(original, "Once upon a ti", true);
    int[] joint = ArtefactVariants.ids(original, "Once upon a time there", true);
    assertThat(promptAlone[0]).isEqualTo(manifest.get("bos_token_id").intValue());
    assertThat(Arrays.copyOf(joint, promptAlone.length))
        .as("joint encoding straddles the boundary")
        .isNotEqualTo(promptAlone);

    EncodedPair pair = plain.encode(PairInput.of(null, "Once upon a ti", "me there")).value();

    assertThat(pair.promptIds()).containsExactly(promptAlone);
    assertThat(pair.promptCuttable()[0]).as("BOS").isFalse();
    for (int k = 1; k < pair.promptCuttable().length; k++) {
      assertThat(pair.promptCuttable()[k]).as("content token " + k).isTrue();
    }
    assertThat(plain.decode(pair.responseIds())).isEqualTo("me there");
  }

  @Test
  void responsesToOnePromptShareTheirPromptIdsAndDecodeBackToTheText() {
    int[] promptAlone = ArtefactVariants.ids(original, "Tom had a red ball", true);
    for (String response : List.of("oon.", " and a cat.", ", and", "\nThe end.", "s ü")) {
      EncodedPair pair = plain.encode(PairInput.of(null, "Tom had a red ball", response)).value();
      assertThat(pair.promptIds()).as(response).containsExactly(promptAlone);
      int[] all = Arrays.copyOf(pair.promptIds(), pair.length());
      int[] responseIds = pair.responseIds();
      System.arraycopy(responseIds, 0, all, pair.promptIds().length, responseIds.length);
      // Decoding the response alone would drop a leading space: the decoder strips one there.
      assertThat(plain.decode(all)).isEqualTo("Tom had a red ball" + response);
    }
  }

  @Test
  void contentSpellingSentenceTokensStaysText() {
    int bos = manifest.get("bos_token_id").intValue();
    int eos = manifest.get("eos_token_id").intValue();

    EncodedPair pair = plain.encode(PairInput.of(null, "A <s> B </s>", "</s><s>")).value();

    assertThat(pair.promptIds()[0]).isEqualTo(bos);
    assertThat(Arrays.copyOfRange(pair.promptIds(), 1, pair.promptIds().length))
        .doesNotContain(bos, eos);
    assertThat(pair.responseIds()).doesNotContain(bos, eos);
    assertThat(plain.decode(pair.responseIds())).isEqualTo("</s><s>");
  }

  @Test
  void vocabularyAndHashesMatchTheManifest() throws Exception {
    assertThat(plain.vocabularySize()).isEqualTo(manifest.get("vocab_size").intValue());
    assertThat(plain.tokenizerSha256())
        .isEqualTo(manifest.get("files").get("tokenizer.json").asText());
    assertThat(plain.templateSha256())
        .isEqualTo(
            HexFormat.of()
                .formatHex(
                    MessageDigest.getInstance("SHA-256")
                        .digest("plain".getBytes(StandardCharsets.UTF_8))));
  }

  @Test
  void chatTemplateModeNeedsATemplate() {
    assertThatThrownBy(() -> PairEncoder.open(folder, TemplateMode.CHAT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot load tokenizer "
                + folder
                + ": chat mode needs a chat_template in tokenizer_config.json, which"
                + " has none");
  }
}

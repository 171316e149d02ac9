package dev.endoreward.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.endoreward.testing.SharedFixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading tokenizer folders: what is read, and how misconfiguration is reported. */
class TestPairEncoderOpen {
  @TempDir Path temp;

  @Test
  void hashesIdentifyTheTemplateTextAndTheTokenizerFile() throws Exception {
    Path folder = SharedFixtures.phi3Artefact();
    String template =
        new ObjectMapper()
            .readTree(folder.resolve("tokenizer_config.json").toFile())
            .get("chat_template")
            .asText();
    try (PairEncoder encoder = PairEncoder.open(folder, TemplateMode.CHAT)) {
      assertThat(encoder.templateSha256())
          .isEqualTo(sha256(template.getBytes(StandardCharsets.UTF_8)));
      assertThat(encoder.tokenizerSha256())
          .isEqualTo(sha256(Files.readAllBytes(folder.resolve("tokenizer.json"))));
    }
  }

  @Test
  void aListOfNamedTemplatesUsesTheDefaultOne() throws Exception {
    Path named =
        ArtefactVariants.edited(
            SharedFixtures.phi3Artefact(),
            temp.resolve("named"),
            tokenizer -> {},
            config -> {
              var list = config.putArray("chat_template");
              list.addObject().put("name", "tool_use").put("template", "TOOLS");
              list.addObject()
                  .put("name", "default")
                  .put(
                      "template",
                      "{% for m in messages %}<|{{ m['role'] }}|>{{ m['content'] }}<|end|>"
                          + "{% endfor %}{% if add_generation_prompt %}<|assistant|>{% endif %}");
            });
    try (PairEncoder encoder = PairEncoder.open(named, TemplateMode.CHAT)) {
      EncodedPair pair = encoder.encode(PairInput.of(null, "q", "r")).value();
      assertThat(encoder.decode(pair.promptIds())).isEqualTo("<|user|> q<|end|><|assistant|>");
    }
  }

  @Test
  void aMissingFolderOrFileIsReported() {
    Path missing = temp.resolve("missing");
    assertThatThrownBy(() -> PairEncoder.open(missing, TemplateMode.PLAIN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot load tokenizer " + missing + ": missing tokenizer.json");
  }

  @Test
  void aChatTemplateIsRequiredInChatTemplateMode() {
    Path folder =
        ArtefactVariants.edited(
            SharedFixtures.phi3Artefact(),
            temp.resolve("no-template"),
            tokenizer -> {},
            config -> config.remove("chat_template"));
    assertThatThrownBy(() -> PairEncoder.open(folder, TemplateMode.CHAT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot load tokenizer " + folder + ": chat mode needs a chat_template in"
                + " tokenizer_config.json, which has none");
  }

  @Test
  void autoModeFollowsWhetherTheConfigHasATemplate() {
    Path none =
        ArtefactVariants.edited(
            SharedFixtures.phi3Artefact(), temp.resolve("none"), tokenizer -> {},
            config -> config.remove("chat_template"));
    Path empty =
        ArtefactVariants.edited(
            SharedFixtures.phi3Artefact(), temp.resolve("empty"), tokenizer -> {},
            config -> config.put("chat_template", ""));
    try (PairEncoder withTemplate = PairEncoder.open(SharedFixtures.phi3Artefact(), TemplateMode.AUTO);
        PairEncoder withNone = PairEncoder.open(none, TemplateMode.AUTO);
        PairEncoder withEmpty = PairEncoder.open(empty, TemplateMode.AUTO)) {
      assertThat(withTemplate.mode()).isEqualTo(TemplateMode.CHAT);
      assertThat(withNone.mode()).isEqualTo(TemplateMode.PLAIN);
      assertThat(withEmpty.mode()).isEqualTo(TemplateMode.PLAIN);
    }
    // An empty template is no template, in chat mode too, rather than one that renders nothing.
    assertThatThrownBy(() -> PairEncoder.open(empty, TemplateMode.CHAT))
        .hasMessageContaining("chat mode needs a chat_template");
  }

  @Test
  void aListOfTemplatesWithoutDefaultIsReported() {
    Path folder =
        ArtefactVariants.edited(
            SharedFixtures.phi3Artefact(),
            temp.resolve("no-default"),
            tokenizer -> {},
            config -> config.putArray("chat_template").addObject().put("name", "rag")
                .put("template", "x"));
    for (TemplateMode mode : TemplateMode.values()) {
      assertThatThrownBy(() -> PairEncoder.open(folder, mode))
          .as(mode.name())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "Cannot load tokenizer " + folder + ": chat_template lists no template named"
                  + " 'default'");
    }
  }

  @Test
  void onlyBpeTokenizersAreSupported() {
    Path folder =
        ArtefactVariants.edited(
            SharedFixtures.phi3Artefact(),
            temp.resolve("unigram"),
            tokenizer -> ((ObjectNode) tokenizer.get("model")).put("type", "Unigram"),
            config -> {});
    assertThatThrownBy(() -> PairEncoder.open(folder, TemplateMode.PLAIN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot load tokenizer " + folder + ": model type Unigram is not supported: only BPE"
                + " tokenizers can be kept from forming control tokens out of content");
  }

  @Test
  void aSpecialTokenMissingFromTheTokenizerIsReported() {
    Path folder =
        ArtefactVariants.edited(
            SharedFixtures.phi3Artefact(),
            temp.resolve("unknown-eos"),
            tokenizer -> {},
            config -> config.put("eos_token", "<|eot|>"));
    assertThatThrownBy(() -> PairEncoder.open(folder, TemplateMode.PLAIN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot load tokenizer " + folder + ": eos_token '<|eot|>' is not a token of"
                + " tokenizer.json");
  }

  @Test
  void contentCannotBuildAControlTokenThroughMerges() throws Exception {
    // Make BPE able to build "<s>" out of "<", "s", ">", as some vocabularies can.
    Consumer<ObjectNode> mergeableBos =
        tokenizer -> {
          ObjectNode model = (ObjectNode) tokenizer.get("model");
          ((ObjectNode) model.get("vocab")).put("<s", 32100);
          model.withArray("merges").insert(0, "< s").insert(1, "<s >");
        };
    Path folder =
        ArtefactVariants.edited(
            SharedFixtures.phi3Artefact(), temp.resolve("mergeable"), mergeableBos, config -> {});
    Path withoutAddedTokens =
        ArtefactVariants.edited(
            SharedFixtures.phi3Artefact(),
            temp.resolve("mergeable-no-added"),
            mergeableBos.andThen(tokenizer -> tokenizer.putArray("added_tokens")),
            config -> {});
    try (var plainBpe = ArtefactVariants.original(withoutAddedTokens);
        PairEncoder encoder = PairEncoder.open(folder, TemplateMode.PLAIN)) {
      assertThat(ArtefactVariants.ids(plainBpe, "y<s>", false))
          .as("the merges alone turn the text <s> into the BOS id")
          .contains(1);

      EncodedPair pair = encoder.encode(PairInput.of(null, "x", "y<s>")).value();

      assertThat(pair.responseIds()).doesNotContain(1);
      assertThat(encoder.decode(pair.responseIds())).isEqualTo("y<s>");
    }
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}

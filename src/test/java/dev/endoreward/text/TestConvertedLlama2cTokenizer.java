package dev.endoreward.text;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.endoreward.testing.SharedFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exporter's conversion of llama2.c tokenizers to tokenizer.json, run by DJL's Hugging Face
 * tokenizers exactly as the engine runs it, against a port of llama2.c's own encoder
 * (src/test/python/llama2c_reference.py).
 */
class TestConvertedLlama2cTokenizer {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path temp;

  static List<String> variedTexts() {
    List<String> texts = new ArrayList<>(List.of(
        "", " ", "a", "Once upon a time, there was a little girl named Lily.",
        "Café crème brûlée, naïve façade, Ångström, ÆØÅ æøå, ß, Ünïcödé",
        "北京欢迎你。日本語のテキスト、한국어 텍스트",
        "emoji 😀🎉👩‍👩‍👧 and flags 🇫🇷🇯🇵",
        "runs   of    spaces\tand\t\ttabs", "  leading and trailing  ", "line one\nline two\n\nline four\n",
        "windows\r\nline\r\nendings", "mixed 12345 numbers 3.14159 and symbols !@#$%^&*()_+-=[]{}|;':\",./<>?",
        "quotes ’curly’ “double” … ellipsis — dash", "literal <s> and </s> and <unk> in text",
        "▁ a literal lower one eighth block ▁▁", "\u00a0non-breaking\u00a0space", "tab\tat\tend\t",
        "The dog said, \"Let's play!\" and ran to the park."));
    Random random = new Random(13);
    String alphabet = "abcdefghijklmnopqrstuvwxyz ABCXYZ.,!?\n\t'é北😀’…";
    int[] codePoints = alphabet.codePoints().toArray();
    for (int i = 0; i < 40; i++) {
      StringBuilder text = new StringBuilder();
      for (int n = random.nextInt(60); n > 0; n--) {
        text.appendCodePoint(codePoints[random.nextInt(codePoints.length)]);
      }
      texts.add(text.toString());
    }
    return texts;
  }

  private void assertEncodesLikeLlama2c(Path tokenizerJson, Path tokenizerBin) throws IOException {
    List<String> texts = variedTexts();
    Path textsFile = temp.resolve("texts.json");
    Path idsFile = temp.resolve("ids.json");
    JSON.writeValue(textsFile.toFile(), texts);
    SharedFixtures.runPython(List.of("src/test/python/reference_tokenize.py", "--tokenizer", tokenizerBin.toString(),
        "--input", textsFile.toString(), "--output", idsFile.toString()), "");
    List<List<Long>> expected = JSON.readValue(idsFile.toFile(), new TypeReference<>() {});

    try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(tokenizerJson,
        Map.of("truncation", "false", "addSpecialTokens", "true"))) {
      for (int i = 0; i < texts.size(); i++) {
        long[] ids = tokenizer.encode(texts.get(i)).getIds();
        assertThat(ids).as("ids of %s", JSON.writeValueAsString(texts.get(i)))
            .containsExactly(expected.get(i).stream().mapToLong(Long::longValue).toArray());
        assertThat(tokenizer.decode(ids, true)).as("decode of %s", JSON.writeValueAsString(texts.get(i)))
            .isEqualTo(texts.get(i));
      }
    }
  }

  @Test
  void stories260kTokenizerEncodesAndDecodesLikeLlama2c() throws IOException {
    assertEncodesLikeLlama2c(SharedFixtures.storiesArtefact().resolve("tokenizer.json"),
        SharedFixtures.sharedDir().resolve("models/stories260K/tok512.bin"));
  }

  @Test
  void llama2TokenizerOf32kPiecesEncodesAndDecodesLikeLlama2c() throws IOException {
    Path bin = SharedFixtures.sharedDir().resolve("tokenizers/llama2c-llama2-32k/tokenizer.bin");
    Path json = temp.resolve("llama2-32k-tokenizer.json");
    SharedFixtures.runPython(List.of("-c", "import json, sys\n"
        + "from endoreward_export.llama2c_tokenizer import read_llama2c_tokenizer, to_hf_tokenizer_json\n"
        + "json.dump(to_hf_tokenizer_json(read_llama2c_tokenizer(sys.argv[1])), open(sys.argv[2], 'w'))\n",
        bin.toString(), json.toString()), "");
    assertThat(json).isRegularFile();
    assertEncodesLikeLlama2c(json, bin);
  }
}

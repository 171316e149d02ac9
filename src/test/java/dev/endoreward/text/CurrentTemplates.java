package dev.endoreward.text;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.endoreward.testing.SharedFixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The chat templates of the model families users bring today, read at test time from
 * {@code ../shared/tokenizers/chat-templates} (see its README), plus the templates the project has
 * rendered all along (phi-3-mini, Qwen2.5, the demo model).
 */
final class CurrentTemplates {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One template.
   *
   * @param name a short label
   * @param source the template text
   * @param specialTokens {@code bos_token}... as the model's config sets them; for a bare
   *     {@code .jinja} file, the values of the model's published config
   * @param controlTokens the control tokens the template prints without tools, which a tokenizer
   *     for it must have
   * @param endOfTurn the control token that closes the assistant turn
   * @param needsTools whether the template fails without tools (in transformers too)
   */
  record Family(String name, String source, Map<String, String> specialTokens,
      List<String> controlTokens, String endOfTurn, boolean needsTools) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static final List<String> LLAMA_3 =
      List.of("<|begin_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>");
  private static final Map<String, String> LLAMA_3_TOKENS =
      Map.of("bos_token", "<|begin_of_text|>", "eos_token", "<|eot_id|>");
  private static final List<String> QWEN_3 =
      List.of("<|im_start|>", "<|im_end|>", "<think>", "</think>", "<|endoftext|>");
  private static final List<String> GEMMA =
      List.of("<bos>", "<start_of_turn>", "<end_of_turn>", "<eos>", "<pad>");
  private static final List<String> PHI_3 =
      List.of("<|system|>", "<|user|>", "<|assistant|>", "<|end|>", "<|endoftext|>");

  private CurrentTemplates() {}

  /** The families of {@code ../shared/tokenizers/chat-templates}. */
  static List<Family> current() {
    Path dir = SharedFixtures.sharedDir().resolve("tokenizers/chat-templates");
    List<Family> families = new ArrayList<>();
    families.add(jinja("llama-3.1", dir.resolve("llama-3.1-instruct/meta-llama-Llama-3.1-8B-Instruct.jinja"),
        LLAMA_3_TOKENS, LLAMA_3, "<|eot_id|>"));
    families.add(jinja("llama-3.2", dir.resolve("llama-3.1-instruct/meta-llama-Llama-3.2-3B-Instruct.jinja"),
        LLAMA_3_TOKENS, LLAMA_3, "<|eot_id|>"));
    families.add(config("qwen3", dir.resolve("qwen3/tokenizer_config.json"), QWEN_3, "<|im_end|>"));
    families.add(jinja("qwen3-early", dir.resolve("qwen3/Qwen-Qwen3-0.6B.jinja"),
        Map.of("eos_token", "<|im_end|>", "pad_token", "<|endoftext|>"), QWEN_3, "<|im_end|>"));
    families.add(config("gemma-3", dir.resolve("gemma-3-it/tokenizer_config.json"), GEMMA, "<end_of_turn>"));
    families.add(jinja("gemma-2", dir.resolve("gemma-3-it/google-gemma-2-2b-it.jinja"),
        Map.of("bos_token", "<bos>", "eos_token", "<eos>", "pad_token", "<pad>", "unk_token", "<unk>"),
        GEMMA, "<end_of_turn>"));
    families.add(config("phi-4", dir.resolve("phi-4/tokenizer_config.json"),
        List.of("<|im_start|>", "<|im_sep|>", "<|im_end|>", "<|endoftext|>", "<|dummy_85|>"), "<|im_end|>"));
    families.add(config("phi-4-mini", dir.resolve("phi-4/phi-4-mini-instruct.tokenizer_config.json"),
        List.of("<|system|>", "<|user|>", "<|assistant|>", "<|end|>", "<|endoftext|>"), "<|end|>"));
    families.add(jinja("phi-3.5", dir.resolve("phi-4/microsoft-Phi-3.5-mini-instruct.jinja"),
        Map.of("bos_token", "<s>", "eos_token", "<|endoftext|>", "unk_token", "<unk>"), PHI_3, "<|end|>"));
    families.add(jinja("smollm2", dir.resolve("smollm2-instruct/smollm2-135m.gguf-chat_template.jinja"),
        Map.of("bos_token", "<|im_start|>", "eos_token", "<|im_end|>"),
        List.of("<|im_start|>", "<|im_end|>"), "<|im_end|>"));
    Family hermes = jinja("hermes-3-tool-use",
        dir.resolve("hermes-3-tool-use/NousResearch-Hermes-3-Llama-3.1-8B-tool_use.jinja"),
        Map.of("bos_token", "<|begin_of_text|>", "eos_token", "<|im_end|>"),
        List.of("<|begin_of_text|>", "<|im_start|>", "<|im_end|>"), "<|im_end|>");
    families.add(new Family(hermes.name(), hermes.source(), hermes.specialTokens(), hermes.controlTokens(),
        hermes.endOfTurn(), true));
    return families;
  }

  /** {@link #current()} and the templates rendered before them. */
  static List<Family> all() {
    List<Family> families = new ArrayList<>(current());
    families.add(config("phi-3-mini", SharedFixtures.sharedDir().resolve("tokenizers/phi-3-mini/tokenizer_config.json"),
        PHI_3, "<|end|>"));
    families.add(config("qwen2.5",
        SharedFixtures.sharedDir().resolve("tokenizers/qwen2.5-chat-template/tokenizer_config.json"),
        List.of("<|im_start|>", "<|im_end|>"), "<|im_end|>"));
    families.add(config("demo", SharedFixtures.projectDir().resolve("src/demo/model/tokenizer_config.json"),
        List.of(), null));
    return families;
  }

  static Family named(String name) {
    return all().stream().filter(family -> family.name().equals(name)).findFirst().orElseThrow();
  }

  private static Family jinja(String name, Path file, Map<String, String> specialTokens,
      List<String> controlTokens, String endOfTurn) {
    try {
      return new Family(name, Files.readString(file), specialTokens, controlTokens, endOfTurn, false);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Family config(String name, Path file, List<String> controlTokens, String endOfTurn) {
    try {
      TokenizerConfig config = TokenizerConfig.read(file, JSON);
      return new Family(name, config.chatTemplate(), config.specialTokens(), controlTokens, endOfTurn, false);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

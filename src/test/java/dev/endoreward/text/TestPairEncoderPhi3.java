package dev.endoreward.text;

import static dev.endoreward.text.Conversations.user;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.endoreward.reward.Outcome;
import dev.endoreward.testing.SharedFixtures;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Encoding with phi-3-mini's real tokenizer and chat template, checked against the original
 * Hugging Face tokenizer applied to jinja2's rendering of the conversation.
 */
class TestPairEncoderPhi3 {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static Path folder;
  private static PairEncoder chat;
  private static PairEncoder plain;
  private static HuggingFaceTokenizer original;
  private static String template;
  private static Map<String, String> variables;
  private static Set<Integer> controlIds;
  private static int endId;

  @BeforeAll
  static void open() throws IOException {
    folder = SharedFixtures.phi3Artefact();
    chat = PairEncoder.open(folder, TemplateMode.CHAT);
    plain = PairEncoder.open(folder, TemplateMode.PLAIN);
    original = ArtefactVariants.original(folder);
    JsonNode config = JSON.readTree(folder.resolve("tokenizer_config.json").toFile());
    template = config.get("chat_template").asText();
    variables = new HashMap<>();
    for (String key : List.of("bos_token", "eos_token", "unk_token", "pad_token")) {
      variables.put(key, config.get(key).asText());
    }
    controlIds = new HashSet<>();
    for (JsonNode token : JSON.readTree(folder.resolve("tokenizer.json").toFile())
        .get("added_tokens")) {
      controlIds.add(token.get("id").intValue());
      if (token.get("content").asText().equals("<|end|>")) {
        endId = token.get("id").intValue();
      }
    }
  }

  @AfterAll
  static void close() {
    chat.close();
    plain.close();
    original.close();
  }

  @TestFactory
  Stream<DynamicTest> ordinaryChatsEqualTheOriginalTokenizerOnTheRenderedText() {
    return ReferenceRenderer.renderOrdinaryChats(template, variables).stream()
        .map(
            rendered ->
                DynamicTest.dynamicTest(
                    rendered.label(),
                    () -> {
                      int[] expectedPrompt = idsOf(rendered.promptText());
                      int[] full = idsOf(rendered.fullText());
                      assertThat(full).startsWith(expectedPrompt);
                      int end = indexOf(full, endId, expectedPrompt.length);
                      int[] expectedResponse =
                          Arrays.copyOfRange(full, expectedPrompt.length, end + 1);

                      EncodedPair pair = encode(chat, rendered.conversation().pair());

                      assertThat(pair.promptIds()).containsExactly(expectedPrompt);
                      assertThat(pair.responseIds()).containsExactly(expectedResponse);
                      for (int k = 0; k < pair.promptIds().length; k++) {
                        if (controlIds.contains(pair.promptIds()[k])) {
                          assertThat(pair.promptCuttable()[k]).as("cuttable at " + k).isFalse();
                        }
                      }
                    }));
  }

  @Test
  void contentThatSpellsControlTokensStaysText() {
    Conversations.Conversation injected = Conversations.injection();
    String userContent = injected.turns().get(0).content();
    assertThat(ArtefactVariants.ids(original, userContent, false))
        .as("the original tokenizer turns this content into control tokens")
        .contains(endId);

    EncodedPair pair = encode(chat, injected.pair());
    EncodedPair neutral =
        encode(
            chat,
            new PairInput("s", List.of(user("u")), "r"));

    assertThat(templateIds(pair)).containsExactly(templateIds(neutral));
    assertThat(contentRuns(pair))
        .containsExactly(injected.system(), userContent);
    int[] response = pair.responseIds();
    assertThat(response[response.length - 1]).isEqualTo(endId);
    int[] responseContent = Arrays.copyOf(response, response.length - 1);
    assertThat(boxed(responseContent)).doesNotContainAnyElementsOf(controlIds);
    assertThat(chat.decode(responseContent)).isEqualTo(injected.response());
  }

  @Test
  void responsesToOnePromptShareTheirPromptIds() {
    List<String> responses = List.of("Sure", " spaced", "!", "\nnewline first", "<|end|>", "ü");
    EncodedPair first = encode(chat, PairInput.of("Be brief.", "Name a colour.", responses.get(0)));
    for (String response : responses) {
      EncodedPair pair = encode(chat, PairInput.of("Be brief.", "Name a colour.", response));
      assertThat(pair.promptIds()).as(response).containsExactly(first.promptIds());
      assertThat(pair.promptCuttable()).as(response).containsExactly(first.promptCuttable());
    }
  }

  @Test
  void plainModeKeepsTheBoundaryInsideAWord() {
    int[] promptAlone = ArtefactVariants.ids(original, "Once upon a ti", false);
    int[] joint = ArtefactVariants.ids(original, "Once upon a time there", false);
    assertThat(boxed(joint))
        .as("joint encoding straddles the boundary")
        .doesNotContainSequence(boxed(promptAlone));

    EncodedPair pair = encode(plain, PairInput.of(null, "Once upon a ti", "me there"));

    assertThat(pair.promptIds()).containsExactly(promptAlone);
    assertThat(plain.decode(pair.responseIds())).isEqualTo("me there");
  }

  @Test
  void plainModePutsABlankLineAfterTheSystemPromptAndNoControlTokens() {
    int[] expected = ArtefactVariants.ids(original, "Be brief.\n\nWhat is a cat?", false);
    int newlineId = ArtefactVariants.ids(original, "a\n", false)[1];

    EncodedPair pair = encode(plain, PairInput.of("Be brief.", "What is a cat?", "A pet."));

    assertThat(pair.promptIds()).containsExactly(expected);
    for (int k = 0; k < expected.length; k++) {
      assertThat(pair.promptCuttable()[k]).as("token " + k).isEqualTo(expected[k] != newlineId);
    }
    assertThat(boxed(pair.responseIds())).doesNotContainAnyElementsOf(controlIds);
  }

  @Test
  void concurrentEncodesEqualSerialOnes() throws Exception {
    List<PairInput> pairs = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      String system = i % 2 == 0 ? null : "sys " + i;
      pairs.add(PairInput.of(system, "question " + i + " ü", "answer " + i));
    }
    List<EncodedPair> serial = pairs.stream().map(p -> encode(chat, p)).toList();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<List<EncodedPair>>> futures = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        futures.add(pool.submit(() -> pairs.stream().map(p -> encode(chat, p)).toList()));
      }
      for (Future<List<EncodedPair>> future : futures) {
        assertThat(future.get()).isEqualTo(serial);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void vocabularySizeCoversTheAddedTokens() throws IOException {
    JsonNode tokenizer = JSON.readTree(folder.resolve("tokenizer.json").toFile());
    int max = 0;
    for (JsonNode id : tokenizer.get("model").get("vocab")) {
      max = Math.max(max, id.intValue());
    }
    for (JsonNode token : tokenizer.get("added_tokens")) {
      max = Math.max(max, token.get("id").intValue());
    }
    assertThat(chat.vocabularySize()).isEqualTo(max + 1).isGreaterThan(32000);
  }

  private static EncodedPair encode(PairEncoder encoder, PairInput pair) {
    Outcome<EncodedPair> outcome = encoder.encode(pair);
    assertThat(outcome.isRejected()).as("rejected: %s", outcome).isFalse();
    return outcome.value();
  }

  private static int[] templateIds(EncodedPair pair) {
    return IntStream.range(0, pair.promptIds().length)
        .filter(k -> !pair.promptCuttable()[k])
        .map(k -> pair.promptIds()[k])
        .toArray();
  }

  /** The decoded text of each maximal run of cuttable prompt tokens. */
  private static List<String> contentRuns(EncodedPair pair) {
    List<String> runs = new ArrayList<>();
    int k = 0;
    while (k < pair.promptIds().length) {
      if (!pair.promptCuttable()[k]) {
        k++;
        continue;
      }
      int start = k;
      while (k < pair.promptIds().length && pair.promptCuttable()[k]) {
        k++;
      }
      runs.add(chat.decode(Arrays.copyOfRange(pair.promptIds(), start, k)));
    }
    return runs;
  }

  private static int[] idsOf(String text) {
    return ArtefactVariants.ids(original, text, false);
  }

  private static List<Integer> boxed(int[] ids) {
    return Arrays.stream(ids).boxed().toList();
  }

  private static int indexOf(int[] ids, int id, int from) {
    for (int k = from; k < ids.length; k++) {
      if (ids[k] == id) {
        return k;
      }
    }
    throw new AssertionError("no id " + id + " after position " + from);
  }
}

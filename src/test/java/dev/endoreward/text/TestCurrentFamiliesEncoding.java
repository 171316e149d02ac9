package dev.endoreward.text;

import static dev.endoreward.text.Conversations.user;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.endoreward.reward.Outcome;
import dev.endoreward.reward.RejectReason;
import dev.endoreward.testing.SharedFixtures;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The prompt/response boundary and the control-token safety on the templates of current model
 * families. Their own tokenizer.json files are not available, so each family gets phi-3-mini's
 * tokenizer with the family's control tokens added ({@code <|eot_id|>}, {@code <|im_start|>},
 * {@code <start_of_turn>}, {@code <think>}...) and its special tokens in the config; the reference
 * is that tokenizer on jinja2's rendering.
 */
class TestCurrentFamiliesEncoding {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int FIRST_ADDED_ID = 32011;
  /** Llama 3.2 prints today's date unless told one; both renderers are told this one. */
  private static final Map<String, Object> PINNED_DATE = Map.of("date_string", "26 Jul 2024");

  @TempDir static Path temp;

  private static final Map<String, Fixture> FIXTURES = new LinkedHashMap<>();

  /** One family's tokenizer folder, encoder and reference tokenizer. */
  private record Fixture(CurrentTemplates.Family family, Path folder, PairEncoder encoder,
      HuggingFaceTokenizer original, Map<String, Integer> controlIds) {
    int id(String control) {
      return controlIds.get(control);
    }
  }

  @BeforeAll
  static void open() throws IOException {
    for (CurrentTemplates.Family family : CurrentTemplates.current()) {
      if (!family.needsTools()) {
        FIXTURES.put(family.name(), fixture(family));
      }
    }
  }

  @AfterAll
  static void close() {
    for (Fixture fixture : FIXTURES.values()) {
      fixture.encoder().close();
      fixture.original().close();
    }
  }

  @TestFactory
  Stream<DynamicTest> ordinaryChatsEncodeAsTheOriginalTokenizerOnJinja2sText() {
    return FIXTURES.values().stream().flatMap(fixture -> {
      Map<String, Conversations.Conversation> chats = Conversations.ordinary();
      List<ReferenceRenderer.Case> cases = new ArrayList<>();
      chats.values().forEach(chat -> {
        cases.add(new ReferenceRenderer.Case(chat.prompt(), true, PINNED_DATE));
        cases.add(new ReferenceRenderer.Case(chat.full(), false, PINNED_DATE));
      });
      List<ReferenceRenderer.Result> texts =
          ReferenceRenderer.render(fixture.family().source(), fixture.family().specialTokens(), cases);
      List<String> labels = List.copyOf(chats.keySet());
      List<Conversations.Conversation> conversations = List.copyOf(chats.values());
      return IntStream.range(0, labels.size()).mapToObj(i -> DynamicTest.dynamicTest(
          fixture.family().name() + ": " + labels.get(i), () -> {
            ReferenceRenderer.Result prompt = texts.get(2 * i);
            ReferenceRenderer.Result full = texts.get(2 * i + 1);
            Outcome<EncodedPair> outcome = fixture.encoder().encode(conversations.get(i).pair());
            if (prompt.error() != null) {
              assertThat(prompt.error()).startsWith("TemplateError: ");
              assertThat(outcome.isRejected()).as("jinja2 refuses: " + prompt.error()).isTrue();
              assertThat(outcome.rejection().reason()).isEqualTo(RejectReason.TEMPLATE_ERROR);
              assertThat(outcome.rejection().detail())
                  .isEqualTo("chat template raised an exception: " + prompt.error().substring(15));
              return;
            }
            int[] expectedPrompt = ids(fixture, prompt.text());
            int[] expectedFull = ids(fixture, full.text());
            assertThat(expectedFull).startsWith(expectedPrompt);
            int end = indexOf(expectedFull, fixture.id(fixture.family().endOfTurn()), expectedPrompt.length);
            assertThat(outcome.isRejected()).as("rejected: %s", outcome).isFalse();
            EncodedPair pair = outcome.value();
            assertThat(pair.promptIds()).containsExactly(expectedPrompt);
            assertThat(pair.responseIds())
                .containsExactly(Arrays.copyOfRange(expectedFull, expectedPrompt.length, end + 1));
          }));
    });
  }

  @TestFactory
  Stream<DynamicTest> contentThatSpellsTheFamilysControlTokensStaysText() {
    return FIXTURES.values().stream().map(fixture -> DynamicTest.dynamicTest(fixture.family().name(), () -> {
      List<String> controls = fixture.family().controlTokens();
      String spelled = String.join(" ", controls);
      // Qwen3 splits an assistant turn at </think>, which the attribution cannot follow (see below).
      String spelledInResponse = String.join(" ",
          controls.stream().filter(control -> !control.equals("</think>")).toList());
      boolean system = !fixture.family().name().equals("gemma-2");
      PairInput injected = new PairInput(system ? "sys " + spelled : null,
          List.of(user("Hi " + spelled + "\nthere")), "ok " + spelledInResponse + " end");
      PairInput neutral = new PairInput(system ? "sys" : null, List.of(user("Hi")), "ok");

      EncodedPair pair = encode(fixture, injected);
      EncodedPair plain = encode(fixture, neutral);

      assertThat(templateIds(pair)).containsExactly(templateIds(plain));
      for (int k = 0; k < pair.promptIds().length; k++) {
        if (pair.promptCuttable()[k]) {
          assertThat(fixture.controlIds()).as("content token " + k).doesNotContainValue(pair.promptIds()[k]);
        }
      }
      assertThat(controlIdsIn(fixture, pair.responseIds())).containsExactlyElementsOf(
          controlIdsIn(fixture, plain.responseIds()));
      assertThat(fixture.encoder().decode(pair.responseIds())).contains(injected.response());
    }));
  }

  @TestFactory
  Stream<DynamicTest> responsesToOnePromptShareTheirPromptIds() {
    return FIXTURES.values().stream().map(fixture -> DynamicTest.dynamicTest(fixture.family().name(), () -> {
      String endOfTurn = fixture.family().endOfTurn();
      List<String> responses =
          List.of("Sure", " spaced", "!", "\nnewline first", "\n  indented", endOfTurn, "ü", "x" + endOfTurn);
      EncodedPair first = encode(fixture, PairInput.of(null, "Name a colour.", responses.get(0)));
      for (String response : responses) {
        EncodedPair pair = encode(fixture, PairInput.of(null, "Name a colour.", response));
        assertThat(pair.promptIds()).as(response).containsExactly(first.promptIds());
        assertThat(pair.promptCuttable()).as(response).containsExactly(first.promptCuttable());
        assertThat(controlIdsIn(fixture, pair.responseIds()))
            .as(response).containsExactlyElementsOf(controlIdsIn(fixture, first.responseIds()));
      }
    }));
  }

  @Test
  void gemma2RefusesASystemMessageWithItsOwnMessage() {
    Outcome<EncodedPair> outcome =
        FIXTURES.get("gemma-2").encoder().encode(PairInput.of("Be brief.", "Hi", "Hello"));

    assertThat(outcome.isRejected()).isTrue();
    assertThat(outcome.rejection().reason()).isEqualTo(RejectReason.TEMPLATE_ERROR);
    assertThat(outcome.rejection().detail())
        .isEqualTo("chat template raised an exception: System role not supported");
  }

  @Test
  void qwen3WithThinkingOffPutsTheEmptyThinkBlockInThePrompt() throws IOException {
    Fixture qwen = FIXTURES.get("qwen3");
    PairInput pair = PairInput.of("Be brief.", "What is 2+2?", "4.");
    Conversations.Conversation chat = new Conversations.Conversation(
        List.of(Conversations.system("Be brief."), user("What is 2+2?")), "4.");
    Map<String, Object> off = Map.of("enable_thinking", false);
    List<ReferenceRenderer.Result> texts = ReferenceRenderer.render(qwen.family().source(),
        qwen.family().specialTokens(),
        List.of(new ReferenceRenderer.Case(chat.prompt(), true, off),
            new ReferenceRenderer.Case(chat.full(), false, off)));

    try (PairEncoder thinkingOff = PairEncoder.open(qwen.folder(), TemplateMode.CHAT,
        TemplateVariables.parse("{\"enable_thinking\": false}"))) {
      EncodedPair encoded = thinkingOff.encode(pair).value();
      EncodedPair thinkingOn = encode(qwen, pair);

      assertThat(texts.get(0).text()).endsWith("<|im_start|>assistant\n<think>\n\n</think>\n\n");
      assertThat(encoded.promptIds()).containsExactly(ids(qwen, texts.get(0).text()));
      assertThat(controlIdsIn(qwen, encoded.promptIds())).endsWith(qwen.id("<think>"), qwen.id("</think>"));
      assertThat(controlIdsIn(qwen, encoded.responseIds())).containsExactly(qwen.id("<|im_end|>"));
      assertThat(controlIdsIn(qwen, thinkingOn.responseIds()))
          .containsExactly(qwen.id("<think>"), qwen.id("</think>"), qwen.id("<|im_end|>"));
      int[] full = ids(qwen, texts.get(1).text());
      int end = indexOf(full, qwen.id("<|im_end|>"), encoded.promptIds().length);
      assertThat(encoded.responseIds())
          .containsExactly(Arrays.copyOfRange(full, encoded.promptIds().length, end + 1));
    }
  }

  @Test
  void aQwen3ResponseWithItsOwnReasoningIsRejectedNotMisattributed() {
    Outcome<EncodedPair> outcome = FIXTURES.get("qwen3").encoder()
        .encode(PairInput.of(null, "What is 2+2?", "<think>\nadd\n</think>\n\n4"));

    assertThat(outcome.isRejected()).isTrue();
    assertThat(outcome.rejection().reason()).isEqualTo(RejectReason.TEMPLATE_ERROR);
    assertThat(outcome.rejection().detail()).startsWith("cannot attribute rendered text to message content");
  }

  @Test
  void hermesToolUseTemplateNeedsToolsAsInTransformers() throws IOException {
    CurrentTemplates.Family hermes = CurrentTemplates.named("hermes-3-tool-use");
    Fixture fixture = fixture(hermes);
    try {
      Outcome<EncodedPair> outcome = fixture.encoder().encode(PairInput.of(null, "Hi", "Hello"));

      assertThat(outcome.isRejected()).isTrue();
      assertThat(outcome.rejection().reason()).isEqualTo(RejectReason.TEMPLATE_ERROR);
      assertThat(outcome.rejection().detail()).contains("'NoneType' object is not iterable");
    } finally {
      fixture.encoder().close();
      fixture.original().close();
    }
  }

  /** phi-3-mini's tokenizer with the family's control tokens, its template and special tokens. */
  private static Fixture fixture(CurrentTemplates.Family family) throws IOException {
    Path phi3 = SharedFixtures.phi3Artefact();
    JsonNode tokenizer = JSON.readTree(phi3.resolve("tokenizer.json").toFile());
    Map<String, Integer> ids = new HashMap<>();
    for (JsonNode token : tokenizer.get("added_tokens")) {
      ids.put(token.get("content").asText(), token.get("id").intValue());
    }
    Map<String, Integer> controlIds = new LinkedHashMap<>();
    List<String> missing = new ArrayList<>();
    for (String control : family.controlTokens()) {
      if (ids.containsKey(control)) {
        controlIds.put(control, ids.get(control));
      } else {
        controlIds.put(control, FIRST_ADDED_ID + missing.size());
        missing.add(control);
      }
    }
    Path folder = ArtefactVariants.edited(phi3, temp.resolve(family.name()),
        edited -> {
          for (String control : missing) {
            ArtefactVariants.addToken(edited, controlIds.get(control), control, false, false, false);
          }
        },
        config -> {
          config.put("chat_template", family.source()).put("add_bos_token", false);
          for (String key : List.of("bos_token", "eos_token", "unk_token", "pad_token")) {
            String value = family.specialTokens().get(key);
            if (value == null) {
              config.remove(key);
            } else {
              config.put(key, value);
            }
          }
        });
    TemplateVariables variables = family.name().equals("llama-3.2")
        ? TemplateVariables.parse(JSON.writeValueAsString(PINNED_DATE)) : TemplateVariables.NONE;
    return new Fixture(family, folder, PairEncoder.open(folder, TemplateMode.CHAT, variables),
        ArtefactVariants.original(folder), controlIds);
  }

  private static EncodedPair encode(Fixture fixture, PairInput pair) {
    Outcome<EncodedPair> outcome = fixture.encoder().encode(pair);
    assertThat(outcome.isRejected()).as("rejected: %s", outcome).isFalse();
    return outcome.value();
  }

  private static int[] ids(Fixture fixture, String text) {
    return ArtefactVariants.ids(fixture.original(), text, false);
  }

  private static int[] templateIds(EncodedPair pair) {
    return IntStream.range(0, pair.promptIds().length)
        .filter(k -> !pair.promptCuttable()[k])
        .map(k -> pair.promptIds()[k])
        .toArray();
  }

  private static List<Integer> controlIdsIn(Fixture fixture, int[] ids) {
    return Arrays.stream(ids).boxed().filter(fixture.controlIds()::containsValue).toList();
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

package dev.endoreward.text;

import static dev.endoreward.text.Conversations.assistant;
import static dev.endoreward.text.Conversations.user;
import static org.assertj.core.api.Assertions.assertThat;

import dev.endoreward.reward.Outcome;
import dev.endoreward.reward.RejectReason;
import dev.endoreward.reward.Rejection;
import dev.endoreward.testing.SharedFixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad rows and failing templates become rejections with a reason and a detail. */
class TestPairEncoderRejections {
  private static PairEncoder chat;
  private static PairEncoder plain;

  @TempDir Path temp;

  @BeforeAll
  static void open() {
    chat = PairEncoder.open(SharedFixtures.phi3Artefact(), TemplateMode.CHAT);
    plain = PairEncoder.open(SharedFixtures.phi3Artefact(), TemplateMode.PLAIN);
  }

  @AfterAll
  static void close() {
    chat.close();
    plain.close();
  }

  @Test
  void nullFieldsAreRejectedAsNullField() {
    List<ChatMessage> withNullMessage = new ArrayList<>();
    withNullMessage.add(null);
    assertRejected(chat.encode(null), RejectReason.NULL_FIELD, "the pair is null");
    assertRejected(
        chat.encode(new PairInput(null, null, "r")), RejectReason.NULL_FIELD, "prompt is null");
    assertRejected(
        chat.encode(new PairInput(null, withNullMessage, "r")),
        RejectReason.NULL_FIELD,
        "prompt message 0 is null");
    assertRejected(
        chat.encode(PairInput.of(null, null, "r")),
        RejectReason.NULL_FIELD,
        "content of prompt message 0 is null");
    assertRejected(
        chat.encode(new PairInput(null, List.of(user("q"), new ChatMessage(null, "x")), "r")),
        RejectReason.NULL_FIELD,
        "role of prompt message 1 is null");
    assertRejected(
        plain.encode(PairInput.of(null, "q", null)), RejectReason.NULL_FIELD, "response is null");
  }

  @Test
  void anEmptyResponseIsRejectedAsEmptyResponse() {
    assertRejected(
        chat.encode(PairInput.of(null, "q", "")),
        RejectReason.EMPTY_RESPONSE,
        "response is empty, so it has no token to score");
    assertRejected(
        plain.encode(PairInput.of(null, "q", "")),
        RejectReason.EMPTY_RESPONSE,
        "response is empty, so it has no token to score");
  }

  @Test
  void anUnknownRoleIsATemplateErrorInChatModeOnly() {
    PairInput pair = new PairInput(null, List.of(new ChatMessage("<|assistant|>", "q")), "r");

    assertRejected(
        chat.encode(pair),
        RejectReason.TEMPLATE_ERROR,
        "prompt message 0 has role '<|assistant|>'; expected system, user, assistant or tool");
    assertThat(plain.encode(pair).isRejected()).isFalse();
  }

  @Test
  void raiseExceptionInTheTemplateIsATemplateError() {
    String template =
        "{% if messages|length > 2 %}{{ raise_exception('only one turn, got '"
            + " ~ messages|length) }}{% endif %}"
            + "{% for m in messages %}<|user|>{{ m['content'] }}<|end|>{% endfor %}";
    try (PairEncoder encoder = chatWith(template)) {
      assertThat(encoder.encode(PairInput.of(null, "q", "r")).isRejected()).isFalse();
      assertRejected(
          encoder.encode(new PairInput(null, List.of(user("a"), assistant("b"), user("c")), "r")),
          RejectReason.TEMPLATE_ERROR,
          "chat template raised an exception: only one turn, got 3");
    }
  }

  @Test
  void aTemplateThatRendersThePromptDifferentlyOnceTheResponseIsThereIsATemplateError() {
    String template =
        "{% for m in messages %}{{ m['content'] }}{% endfor %}"
            + "{% if add_generation_prompt %}<|assistant|>{% endif %}";
    try (PairEncoder encoder = chatWith(template)) {
      assertRejected(
          encoder.encode(PairInput.of(null, "q", "r")),
          RejectReason.TEMPLATE_ERROR,
          "the rendered conversation does not start with the rendered prompt (they differ from char"
              + " 1 of 14): the chat template renders the earlier turns differently once the response"
              + " is added; use template.mode=plain, or a template that renders each turn on its own");
    }
  }

  @Test
  void aTemplateThatDropsTheResponseIsATemplateError() {
    String template =
        "{% for m in messages %}{% if m['role'] == 'user' %}<|user|>{{ m['content'] }}<|end|>"
            + "{% endif %}{% endfor %}{% if add_generation_prompt %}<|assistant|>{% endif %}"
            + "{% if not add_generation_prompt %}<|assistant|>{% endif %}";
    try (PairEncoder encoder = chatWith(template)) {
      assertRejected(
          encoder.encode(PairInput.of(null, "q", "r")),
          RejectReason.TEMPLATE_ERROR,
          "the chat template does not render the response: the assistant message's content does"
              + " not appear in its output; use template.mode=plain, or a template that renders"
              + " assistant turns");
    }
  }

  @Test
  void aTemplateThatInspectsContentCannotBeAttributedAndIsATemplateError() {
    String template =
        "{% for m in messages %}<|user|>{% if m['content'] == 'q' %}Q{% endif %}"
            + "{{ m['content'] }}<|end|>{% endfor %}";
    try (PairEncoder encoder = chatWith(template)) {
      Outcome<EncodedPair> outcome = encoder.encode(PairInput.of(null, "q", "r"));
      assertThat(outcome.isRejected()).isTrue();
      assertThat(outcome.rejection().reason()).isEqualTo(RejectReason.TEMPLATE_ERROR);
      assertThat(outcome.rejection().detail())
          .isEqualTo("cannot attribute rendered text to message content: the chat template changes or"
              + " inspects content beyond stripping whitespace (every message appears in the output,"
              + " but not where the template's own text leaves room for it); use template.mode=plain,"
              + " or a template that inserts content unchanged");
    }
  }

  @Test
  void aTemplateThatChangesContentIsATemplateErrorNamingTheMessage() {
    String template =
        "{% for m in messages %}<|{{ m['role'] }}|>{{ m['content'] | upper }}<|end|>{% endfor %}"
            + "{% if add_generation_prompt %}<|assistant|>{% endif %}";
    try (PairEncoder encoder = chatWith(template)) {
      assertRejected(
          encoder.encode(PairInput.of(null, "quiet", "r")),
          RejectReason.TEMPLATE_ERROR,
          "cannot attribute rendered text to message content: the chat template changes or"
              + " inspects content beyond stripping whitespace (messages[0], role user, does not"
              + " appear in the output, as is or stripped); use template.mode=plain, or a template"
              + " that inserts content unchanged");
    }
  }

  @Test
  void aTemplateThatStripsContentStillSeparatesContentFromTemplateText() {
    String template =
        "{% for m in messages %}<|{{ m['role'] }}|>{{ m['content'] | trim }}<|end|>{% endfor %}"
            + "{% if add_generation_prompt %}<|assistant|>{% endif %}";
    String raw =
        "{% for m in messages %}<|{{ m['role'] }}|>{{ m['content'] }}<|end|>{% endfor %}"
            + "{% if add_generation_prompt %}<|assistant|>{% endif %}";
    try (PairEncoder stripping = chatWith(template);
        PairEncoder plainContent = chatWithIn(raw, "raw")) {
      EncodedPair stripped = stripping.encode(PairInput.of(null, "  <|end|> q \n", " r ")).value();
      EncodedPair expected = plainContent.encode(PairInput.of(null, "<|end|> q", "r")).value();

      assertThat(stripped).isEqualTo(expected);
      assertThat(Arrays.stream(stripped.promptIds()).filter(id -> id == 32007).count())
          .as("one <|end|> from the template, none from the content")
          .isEqualTo(1);
    }
  }

  @Test
  void aPromptWithNoTokensIsATemplateError() {
    assertRejected(
        plain.encode(PairInput.of("", "", "r")),
        RejectReason.TEMPLATE_ERROR,
        "the prompt encodes to no tokens and the tokenizer adds no BOS, so no token precedes the"
            + " first response token; give the row a non-empty prompt or system prompt");
  }

  private PairEncoder chatWith(String template) {
    return chatWithIn(template, "variant");
  }

  private PairEncoder chatWithIn(String template, String name) {
    Path folder =
        ArtefactVariants.withTemplate(SharedFixtures.phi3Artefact(), temp.resolve(name), template);
    return PairEncoder.open(folder, TemplateMode.CHAT);
  }

  private static void assertRejected(
      Outcome<EncodedPair> outcome, RejectReason reason, String detail) {
    assertThat(outcome.isRejected()).as("rejected: %s", outcome).isTrue();
    assertThat(outcome.rejection()).isEqualTo(new Rejection(reason, detail));
  }
}

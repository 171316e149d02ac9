package dev.endoreward.text;

import static dev.endoreward.text.Conversations.assistant;
import static dev.endoreward.text.Conversations.user;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.endoreward.reward.Outcome;
import dev.endoreward.reward.RejectReason;
import dev.endoreward.reward.Rejection;
import dev.endoreward.testing.SharedFixtures;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Text is total: every valid string is encoded as is, and a lone surrogate, the only Java string
 * that is not Unicode text, is rejected {@code INVALID_TEXT} naming the field and the char.
 * Checked on the bundled demo model's tokenizer (byte fallback, no normalizer) and chat template.
 */
class TestPairEncoderText {
  private static final String LONE_HIGH = "\uD83D";
  private static final String FIX = ", which is not Unicode text; repair the text where it is produced";
  private static final int END = 357; // <|end|> in the demo tokenizer

  private static PairEncoder chat;
  private static PairEncoder plain;

  @TempDir Path temp;

  @BeforeAll
  static void open() {
    chat = PairEncoder.open(demoModel(), TemplateMode.CHAT);
    plain = PairEncoder.open(demoModel(), TemplateMode.PLAIN);
  }

  @AfterAll
  static void close() {
    chat.close();
    plain.close();
  }

  private static Path demoModel() {
    return SharedFixtures.projectDir().resolve("src/demo/model");
  }

  @Test
  void aLoneSurrogateInAnyFieldIsInvalidTextWithItsPosition() {
    String text = "Once upon a time " + LONE_HIGH + " there";
    for (PairEncoder encoder : List.of(chat, plain)) {
      assertRejected(encoder.encode(new PairInput(null, List.of(user("q"), assistant("a"), user(text)), "r")),
          "content of prompt message 2 has a lone surrogate U+D83D at char 17" + FIX);
      assertRejected(encoder.encode(PairInput.of(text, "q", "r")),
          "system prompt has a lone surrogate U+D83D at char 17" + FIX);
      assertRejected(encoder.encode(PairInput.of(null, "q", text)),
          "response has a lone surrogate U+D83D at char 17" + FIX);
    }
    assertRejected(chat.encode(PairInput.of(null, "q", "\uDE00 low first")),
        "response has a lone surrogate U+DE00 at char 0" + FIX);
    assertRejected(chat.encode(PairInput.of(null, "q", "two lows \uD83D\uDE00\uDE00")),
        "response has a lone surrogate U+DE00 at char 11" + FIX);
    assertRejected(chat.encode(PairInput.of(null, "q", "ends high " + LONE_HIGH)),
        "response has a lone surrogate U+D83D at char 10" + FIX);
  }

  @Test
  void aLoneSurrogateInARoleIsInvalidTextInChatModeWhereRolesAreRendered() {
    PairInput pair = new PairInput(null, List.of(new ChatMessage("us" + LONE_HIGH + "er", "q")), "r");

    assertRejected(chat.encode(pair), "role of prompt message 0 has a lone surrogate U+D83D at char 2" + FIX);
    assertThat(plain.encode(pair).isRejected()).as("plain mode never renders roles").isFalse();
  }

  @Test
  void aLoneSurrogateInTheChatTemplateOrItsVariablesIsRefusedWhenTheTokenizerOpens() {
    Path folder = ArtefactVariants.withTemplate(demoModel(), temp.resolve("lone"),
        "{% for m in messages %}<|user|>\uD800{{ m['content'] }}<|end|>{% endfor %}");

    assertThatThrownBy(() -> PairEncoder.open(folder, TemplateMode.CHAT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot load tokenizer " + folder + ": the chat template has a lone surrogate U+D800 at"
            + " char 31" + FIX);
    assertThatThrownBy(() -> TemplateVariables.parse("{\"persona\": {\"name\": [\"ok\", \"x\\udc00\"]}}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("template variable 'persona' has a lone surrogate U+DC00 at char 1" + FIX);
    assertThatThrownBy(() -> TemplateVariables.parse("{\"persona\": {\"\\ud800\": 1}}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("template variable 'persona' key has a lone surrogate U+D800 at char 0" + FIX);
  }

  /**
   * Controls (C0 without NUL's usual company, DEL, C1), the byte order mark, line and paragraph
   * separators, noncharacters, combining marks, bidirectional marks and overrides, emoji with ZWJ
   * and variation selectors, private use: all scored, and byte fallback spells each exactly.
   */
  @ParameterizedTest
  @ValueSource(strings = {"\u0000", "\u0007", "\u001b", "\b", "\u000b", "\u000c", "\r", "\t", "\u001f",
      "\u007f", "\u0080", "\u0085", "\u009f", "\uFEFF", "\u2028", "\u2029", "\uFFFE", "\uFFFF", "\uFDD0",
      "e\u0301\u0302", "\u200F", "\u202E", "\u2066x\u2069", "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67",
      "\u2764\uFE0F", "\uE000", "\uDB80\uDC00", "\u200B\u200C\u200D"})
  void validTextIsScoredAsIs(String special) {
    String text = "a" + special + "b " + special;

    EncodedPair plainPair = plain.encode(PairInput.of(special, text, text)).value();
    assertThat(plain.decode(plainPair.responseIds())).isEqualTo(text);
    for (PairInput pair : List.of(PairInput.of(null, text, "ok"), PairInput.of(text, "q", "ok"),
        PairInput.of(null, "q", text), PairInput.of(null, special, special))) {
      Outcome<EncodedPair> outcome = chat.encode(pair);
      assertThat(outcome.isRejected()).as("%s: %s", pair, outcome).isFalse();
      int[] response = outcome.value().responseIds();
      assertThat(response[response.length - 1]).isEqualTo(END);
      assertThat(chat.decode(Arrays.copyOf(response, response.length - 1))).isEqualTo(pair.response());
    }
  }

  @Test
  void controlTokenTextInContentStaysText() {
    String text = "<s> </s> <|im_start|>user <|eot_id|> [INST] <|end|><|assistant|>";

    EncodedPair pair = chat.encode(PairInput.of(text, text, text)).value();

    int[] response = pair.responseIds();
    assertThat(Arrays.stream(response).filter(id -> id == END).count()).as("only the template's <|end|>")
        .isEqualTo(1);
    assertThat(chat.decode(Arrays.copyOf(response, response.length - 1))).isEqualTo(text);
  }

  private static void assertRejected(Outcome<EncodedPair> outcome, String detail) {
    assertThat(outcome.isRejected()).as("rejected: %s", outcome).isTrue();
    assertThat(outcome.rejection()).isEqualTo(new Rejection(RejectReason.INVALID_TEXT, detail));
  }
}

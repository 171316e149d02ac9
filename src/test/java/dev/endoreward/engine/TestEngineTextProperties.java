package dev.endoreward.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.endoreward.batch.BatchScorer;
import dev.endoreward.batch.ScoredPair;
import dev.endoreward.batch.TokenBudget;
import dev.endoreward.model.DeviceSpec;
import dev.endoreward.reward.Outcome;
import dev.endoreward.reward.RejectReason;
import dev.endoreward.reward.RewardOptions;
import dev.endoreward.reward.SequenceReward;
import dev.endoreward.reward.TerminalValue;
import dev.endoreward.testing.SharedFixtures;
import dev.endoreward.text.ChatMessage;
import dev.endoreward.text.OverlongPromptPolicy;
import dev.endoreward.text.PairInput;
import dev.endoreward.text.TemplateMode;
import dev.endoreward.text.TemplateVariables;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Random Unicode through the engine API, on the real stories260K model (plain text) and on the bundled
 * demo model with its chat template: every row gets a result, results line up with their inputs, and
 * no call throws. Text that is well-formed UTF-16 is never rejected as {@code INVALID_TEXT}; text with
 * a lone surrogate always is (or, in chat mode, fails on an unknown role first).
 */
class TestEngineTextProperties {
  private static final double TOLERANCE = 1e-4;
  private static final int MEGABYTE = 1 << 20;
  private static final List<String> CONTROL_TOKENS = List.of("<s>", "</s>", "<unk>", "<|im_start|>",
      "<|im_end|>", "<|eot_id|>", "<|start_header_id|>", "[INST]", "[/INST]", "<<SYS>>", "<|end|>",
      "<|user|>", "<|assistant|>", "<|system|>", "{{ bos_token }}", "{% if true %}");
  private static final List<String> EMOJI = List.of("\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67",
      "\u2764\uFE0F", "\uD83D\uDC4D\uD83C\uDFFD", "\uD83C\uDDEB\uD83C\uDDF7",
      "\uD83C\uDFF3\uFE0F\u200D\uD83C\uDF08");
  private static final List<String> BIDI = List.of("\u200E", "\u200F", "\u202B", "\u202E", "\u202C",
      "\u2067", "\u2069", "\u061C", "\u05E9\u05DC\u05D5\u05DD", "\u0645\u0631\u062D\u0628\u0627");
  private static final List<String> SPECIALS = List.of("\uFEFF", "\u2028", "\u2029", "\uFFFE", "\uFFFF",
      "\uFDD0", "\u00A0", "\u3000", "\uE000", "\uE001", "\u200B", "\uFFFD");

  private static RewardEngine stories;
  private static RewardEngine demo;

  @BeforeContainer
  static void open() {
    stories = RewardEngine.open(options(SharedFixtures.storiesArtefact()));
    demo = RewardEngine.open(options(SharedFixtures.projectDir().resolve("src/demo/model")));
  }

  @AfterContainer
  static void close() {
    if (stories != null) {
      stories.close();
    }
    if (demo != null) {
      demo.close();
    }
  }

  private static EngineOptions options(Path artefact) {
    return new EngineOptions(artefact.toString(), DeviceSpec.CPU, TemplateMode.AUTO,
        new RewardOptions(1, 1, TerminalValue.ZERO), new TokenBudget(2048, 8, true), 0,
        OverlongPromptPolicy.TRUNCATE_LEFT, TemplateVariables.NONE);
  }

  @Property(tries = 60, shrinking = ShrinkingMode.BOUNDED)
  void everyRowGetsItsOwnResultAndNoCallThrows(@ForAll("batches") List<PairInput> batch) {
    for (RewardEngine engine : List.of(stories, demo)) {
      BatchScorer scorer = engine.newScorer();
      List<Outcome<ScoredPair>> together = scorer.score(batch);

      assertThat(together).hasSameSizeAs(batch);
      for (int i = 0; i < batch.size(); i++) {
        PairInput pair = batch.get(i);
        Outcome<ScoredPair> outcome = together.get(i);
        checkSensible(engine, pair, outcome);
        Outcome<ScoredPair> alone = scorer.score(List.of(pair)).get(0);
        checkSame(pair, outcome, alone);
      }
    }
  }

  /** Two tries: a megabyte of mixed text takes tens of seconds to tokenise on a busy machine. */
  @Property(tries = 2, shrinking = ShrinkingMode.OFF)
  void megabyteTextGetsAResult(@ForAll("megabyteText") String huge, @ForAll("text") String small,
      @ForAll("field") int field, @ForAll boolean chat) {
    PairInput pair = switch (field) {
      case 0 -> PairInput.of(huge, small, "The end.");
      case 1 -> PairInput.of(null, huge, "The end.");
      default -> PairInput.of(null, small, huge);
    };
    RewardEngine engine = chat ? demo : stories;
    List<Outcome<ScoredPair>> outcomes = engine.newScorer().score(List.of(pair, PairInput.of(null, "Hi", "Hello")));

    assertThat(outcomes).hasSize(2);
    checkSensible(engine, pair, outcomes.get(0));
    // A lone surrogate anywhere is found before the length is: only a row of well-formed text is too long.
    if (field == 2 && texts(pair, chat).allMatch(TestEngineTextProperties::isWellFormed)) {
      assertThat(outcomes.get(0).rejection().reason()).as("a megabyte response cannot fit")
          .isEqualTo(RejectReason.TOO_LONG);
    }
    assertThat(outcomes.get(1).isRejected()).isFalse();
  }

  /** The reason a row may have, from what its text is; scored rows have finite, consistent rewards. */
  private static void checkSensible(RewardEngine engine, PairInput pair, Outcome<ScoredPair> outcome) {
    boolean chat = engine.encoder().mode() == TemplateMode.CHAT;
    boolean wellFormed = texts(pair, chat).allMatch(TestEngineTextProperties::isWellFormed);
    // The demo template raises on any role but system, user and assistant.
    boolean unknownRole = chat && pair.prompt().stream().anyMatch(m -> m.role().equals("tool"));
    Set<RejectReason> allowed = wellFormed
        ? (unknownRole ? Set.of(RejectReason.TOO_LONG, RejectReason.TEMPLATE_ERROR) : Set.of(RejectReason.TOO_LONG))
        : (unknownRole ? Set.of(RejectReason.INVALID_TEXT, RejectReason.TEMPLATE_ERROR)
            : Set.of(RejectReason.INVALID_TEXT));
    if (pair.response().isEmpty()) {
      // Prompt checks come first; then the empty response, before anything the template does.
      allowed = wellFormed ? Set.of(RejectReason.EMPTY_RESPONSE)
          : Set.of(RejectReason.EMPTY_RESPONSE, RejectReason.INVALID_TEXT);
    }
    String where = engine.encoder().mode() + " " + describe(pair);
    if (outcome.isRejected()) {
      assertThat(outcome.rejection().reason()).as(where + ": " + outcome).isIn(allowed);
      assertThat(outcome.rejection().detail()).as(where).isNotBlank();
      if (outcome.rejection().reason() == RejectReason.INVALID_TEXT) {
        assertThat(outcome.rejection().detail()).as(where).contains("has a lone surrogate U+D");
      }
      return;
    }
    assertThat(wellFormed && !pair.response().isEmpty()).as(where + " is scored").isTrue();
    ScoredPair scored = outcome.value();
    SequenceReward reward = scored.reward();
    int responseTokens = scored.tokens().responseIds().length;
    assertThat(responseTokens).as(where).isPositive();
    assertThat(reward.tokenRewards()).as(where).hasSize(responseTokens);
    assertThat(reward.tokenLogprobs()).as(where).hasSize(responseTokens);
    assertThat(List.of(reward.reward(), reward.logprob(), reward.valuePrompt())).as(where)
        .allMatch(Float::isFinite);
    assertThat(reward.logprob()).as(where).isLessThanOrEqualTo(0f);
  }

  /** A row scores the same in a batch as alone: batch mates and padding cannot change it. */
  private static void checkSame(PairInput pair, Outcome<ScoredPair> inBatch, Outcome<ScoredPair> alone) {
    String where = describe(pair);
    assertThat(inBatch.isRejected()).as(where).isEqualTo(alone.isRejected());
    if (alone.isRejected()) {
      assertThat(inBatch.rejection()).as(where).isEqualTo(alone.rejection());
      return;
    }
    assertThat(inBatch.value().tokens()).as(where).isEqualTo(alone.value().tokens());
    assertThat((double) inBatch.value().reward().reward()).as(where)
        .isCloseTo(alone.value().reward().reward(), within(TOLERANCE * Math.max(1, inBatch.value().tokens().length())));
  }

  /** The texts that reach the model: roles only through a chat template. */
  private static Stream<String> texts(PairInput pair, boolean chat) {
    List<String> texts = new ArrayList<>();
    if (pair.system() != null) {
      texts.add(pair.system());
    }
    for (ChatMessage message : pair.prompt()) {
      texts.add(message.content());
      if (chat) {
        texts.add(message.role());
      }
    }
    texts.add(pair.response());
    return texts.stream();
  }

  /** Java's UTF-8 encoder replaces each lone surrogate, so only well-formed text survives the round trip. */
  private static boolean isWellFormed(String text) {
    return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8).equals(text);
  }

  private static String describe(PairInput pair) {
    String text = pair.toString();
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < Math.min(text.length(), 400); i++) {
      char c = text.charAt(i);
      out.append(c < 0x20 || c > 0x7e ? String.format("\\u%04x", (int) c) : String.valueOf(c));
    }
    return text.length() > 400 ? out + "... (" + text.length() + " chars)" : out.toString();
  }

  @Provide
  Arbitrary<List<PairInput>> batches() {
    Arbitrary<String> system = text().injectNull(0.6);
    Arbitrary<ChatMessage> message = Combinators.combine(
            Arbitraries.frequencyOf(Tuple.of(8, Arbitraries.just("user")), Tuple.of(3, Arbitraries.just("assistant")),
                Tuple.of(1, Arbitraries.just("system")), Tuple.of(1, Arbitraries.just("tool"))),
            text())
        .as(ChatMessage::new);
    Arbitrary<String> response = Arbitraries.frequencyOf(Tuple.of(12, text()), Tuple.of(1, Arbitraries.just("")));
    Arbitrary<PairInput> pair = Combinators.combine(system, message.list().ofMinSize(1).ofMaxSize(3), response)
        .as(PairInput::new);
    return pair.list().ofMinSize(1).ofMaxSize(6);
  }

  /** Text built from pieces of every kind the engine must take: mostly words, then everything else. */
  @Provide
  Arbitrary<String> text() {
    return pieces(true);
  }

  private static Arbitrary<String> pieces(boolean withLoneSurrogates) {
    Arbitrary<String> words = Arbitraries.strings().alpha().numeric().withChars(" .,!?'\"\n")
        .ofMinLength(1).ofMaxLength(24);
    Arbitrary<String> anyChar = Arbitraries.chars().all().map(String::valueOf)
        .filter(c -> withLoneSurrogates || !Character.isSurrogate(c.charAt(0)));
    Arbitrary<String> loneSurrogate = Arbitraries.chars().range('\uD800', '\uDFFF').map(String::valueOf);
    Arbitrary<String> supplementary = Arbitraries.integers().between(0x10000, 0x10FFFF).map(Character::toString);
    Arbitrary<String> control = Arbitraries.oneOf(Arbitraries.chars().range('\u0000', '\u001f'),
        Arbitraries.chars().range('\u007f', '\u009f')).map(String::valueOf);
    Arbitrary<String> combining = Arbitraries.chars().range('\u0300', '\u036f').map(String::valueOf);
    Arbitrary<String> piece = Arbitraries.frequencyOf(
        Tuple.of(10, words),
        Tuple.of(3, anyChar),
        Tuple.of(withLoneSurrogates ? 1 : 0, loneSurrogate),
        Tuple.of(2, supplementary),
        Tuple.of(3, control),
        Tuple.of(2, combining),
        Tuple.of(2, Arbitraries.of(BIDI)),
        Tuple.of(2, Arbitraries.of(EMOJI)),
        Tuple.of(2, Arbitraries.of(SPECIALS)),
        Tuple.of(3, Arbitraries.of(CONTROL_TOKENS)));
    return piece.list().ofMinSize(1).ofMaxSize(10).map(pieces -> String.join("", pieces));
  }

  /**
   * About a million chars of the same mix without lone surrogates, so that the whole text reaches the
   * tokenizer; the cut at the end may still leave one.
   */
  @Provide
  Arbitrary<String> megabyteText() {
    return pieces(false).list().ofMinSize(20).ofMaxSize(40).map(pieces -> {
      String unit = String.join(" ", pieces) + " ";
      return unit.repeat(MEGABYTE / unit.length() + 1).substring(0, MEGABYTE);
    });
  }

  @Provide
  Arbitrary<Integer> field() {
    return Arbitraries.integers().between(0, 2);
  }
}

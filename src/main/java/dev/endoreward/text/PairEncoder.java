package dev.endoreward.text;

import dev.endoreward.Sha256;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.endoreward.reward.Outcome;
import dev.endoreward.reward.RejectReason;
import dev.endoreward.reward.Rejection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Turns prompt/response pairs into the token ids a causal LM scores: the tokenizer, the chat
 * template and the exact prompt/response alignment.
 *
 * <p><b>Files.</b> {@link #open} reads {@code tokenizer.json} and {@code tokenizer_config.json}
 * from an artefact folder: the special tokens, {@code add_bos_token} (when absent: whether the
 * tokenizer's post-processor adds BOS) and {@code chat_template} (a string, or a list of named
 * templates of which {@code default} is used).
 *
 * <p><b>Text.</b> With {@link TemplateMode#CHAT} the prompt is the template's
 * rendering of the system and prompt messages with {@code add_generation_prompt=true}; the full
 * text is its rendering of those messages plus the assistant response with
 * {@code add_generation_prompt=false}, and must start with the prompt text. The response part is
 * the rest, up to and including the first control token after the response content (the end of
 * turn, such as {@code <|end|>}); what follows it is dropped. The template runs in Jinjava set up
 * as transformers sets up jinja2 (see {@code ChatTemplate}), with the configured
 * {@link TemplateVariables}; {@code strftime_now} shows the current date and time, as in
 * transformers. With {@link TemplateMode#PLAIN} the
 * text is the system prompt and a blank line, the prompt messages' contents, then the response.
 * An empty system prompt counts as none.
 *
 * <p><b>Control tokens.</b> Content (system prompt, message contents, response) never becomes
 * a control token: it is encoded with a copy of the tokenizer whose added tokens cannot match
 * (see {@code TokenizerJson}). Only template text is split at control tokens (the
 * {@code added_tokens}, and the special tokens of the config), honouring their
 * {@code lstrip}/{@code rstrip} whitespace absorption as tokenizers does (see
 * {@code ControlTokenSplitter}). Roles are template text, so only {@code system},
 * {@code user}, {@code assistant} and {@code tool} are accepted. On ordinary chats the result
 * equals the original tokenizer's encoding of the whole rendered text.
 *
 * <p><b>Boundary.</b> No token spans the prompt/response boundary, and the prompt ids never
 * depend on the response: the prompt is tokenised as if the text ended there. Text after a
 * control token is a fresh segment (with the SentencePiece dummy prefix where the tokenizer adds
 * one); response text that continues prompt text (PLAIN mode, or a template whose prompt ends in
 * text) is encoded without the dummy prefix, so "ti" + "me" stays "ti" + "me". See
 * {@code PairTokenizer}.
 *
 * <p><b>BOS.</b> When the tokenizer adds BOS ({@code add_bos_token}), it starts the prompt
 * unless the rendered template already starts with it.
 *
 * <p><b>Rows.</b> {@link #encode} never throws for bad row content: null fields give
 * {@code NULL_FIELD}, an empty response {@code EMPTY_RESPONSE}, and template problems
 * ({@code raise_exception}, render failures, an inconsistent prefix, unknown roles)
 * {@code TEMPLATE_ERROR}, each with a detail. Length limits are applied afterwards by
 * {@link LengthLimiter}.
 *
 * <p>Thread-safe: {@link #encode} and {@link #decode} may be called concurrently. Close it to
 * free the native tokenizers.
 */
public final class PairEncoder implements AutoCloseable {
  private final TemplateMode mode;
  private final ConversationLayout layout;
  private final PairTokenizer pairTokenizer;
  private final SegmentTokenizer segments;
  private final HuggingFaceTokenizer original;
  private final int vocabularySize;
  private final String tokenizerSha256;

  private PairEncoder(
      TemplateMode mode,
      ConversationLayout layout,
      PairTokenizer pairTokenizer,
      SegmentTokenizer segments,
      HuggingFaceTokenizer original,
      int vocabularySize,
      String tokenizerSha256) {
    this.mode = mode;
    this.layout = layout;
    this.pairTokenizer = pairTokenizer;
    this.segments = segments;
    this.original = original;
    this.vocabularySize = vocabularySize;
    this.tokenizerSha256 = tokenizerSha256;
  }

  /**
   * Loads the tokenizer of an artefact folder. {@link TemplateMode#AUTO} becomes {@link TemplateMode#CHAT}
   * when {@code tokenizer_config.json} holds a chat template, else {@link TemplateMode#PLAIN}; {@link #mode()}
   * tells which.
   *
   * @throws IllegalArgumentException "Cannot load tokenizer &lt;dir&gt;: &lt;why&gt;" if the
   *     files are missing or malformed, the tokenizer is not BPE, a special token is unknown, or
   *     {@code CHAT} is requested but the config has no chat template
   */
  public static PairEncoder open(Path artefactDir, TemplateMode mode) {
    return open(artefactDir, mode, TemplateVariables.NONE);
  }

  /**
   * Like {@link #open(Path, TemplateMode)}, with extra variables for the chat template, such as
   * Qwen3's {@code enable_thinking}; PLAIN mode ignores them.
   *
   * @throws IllegalArgumentException "Cannot load tokenizer &lt;dir&gt;: &lt;why&gt;" as there
   */
  public static PairEncoder open(Path artefactDir, TemplateMode mode, TemplateVariables variables) {
    if (artefactDir == null || mode == null || variables == null) {
      throw new IllegalArgumentException("Cannot load tokenizer " + artefactDir
          + ": folder, template mode and template variables are required");
    }
    try {
      return load(artefactDir, mode, variables);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(
          "Cannot load tokenizer " + artefactDir + ": " + e.getMessage(), e);
    }
  }

  private static PairEncoder load(Path dir, TemplateMode requested, TemplateVariables variables)
      throws IOException {
    Path tokenizerFile = requireFile(dir, "tokenizer.json");
    Path configFile = requireFile(dir, "tokenizer_config.json");
    ObjectMapper json = new ObjectMapper();
    byte[] tokenizerBytes = Files.readAllBytes(tokenizerFile);
    TokenizerJson tokenizer = TokenizerJson.parse(json, tokenizerBytes);
    TokenizerConfig config = TokenizerConfig.read(configFile, json);
    List<ControlToken> controls = controlTokens(tokenizer, config);
    TemplateMode mode = resolve(requested, config);
    ConversationLayout layout = layout(mode, config, variables);

    ObjectNode content = tokenizer.contentVariant(controls);
    String contentJson = tokenizer.toJson(content);
    String continuationJson = tokenizer.toJson(TokenizerJson.continuationVariant(content));
    SegmentTokenizer segments =
        new SegmentTokenizer(contentJson, continuationJson, tokenizer.prefixOnlyAtStart());
    HuggingFaceTokenizer original = null;
    try {
      checkContentCannotFormControls(segments, controls);
      original = SegmentTokenizer.load(tokenizerBytes);
      ControlToken bos = bosToken(tokenizer, config, original);
      PairTokenizer pairTokenizer =
          new PairTokenizer(new ControlTokenSplitter(controls), segments, bos);
      return new PairEncoder(
          mode,
          layout,
          pairTokenizer,
          segments,
          original,
          tokenizer.vocabularySize(),
          Sha256.of(tokenizerBytes));
    } catch (RuntimeException e) {
      segments.close();
      if (original != null) {
        original.close();
      }
      throw e;
    }
  }

  /**
   * Encodes one pair; never throws for bad row content.
   *
   * @return the encoded pair, or a {@code NULL_FIELD}, {@code EMPTY_RESPONSE} or
   *     {@code TEMPLATE_ERROR} rejection
   */
  public Outcome<EncodedPair> encode(PairInput pair) {
    Optional<Rejection> invalid = PairValidator.check(pair, mode == TemplateMode.CHAT);
    if (invalid.isPresent()) {
      return Outcome.rejected(invalid.get());
    }
    String system = pair.system() == null || pair.system().isEmpty() ? null : pair.system();
    LaidOutPair text;
    try {
      text = layout.layOut(system, pair.prompt(), pair.response());
    } catch (TemplateRenderException e) {
      return Outcome.rejected(RejectReason.TEMPLATE_ERROR, e.getMessage());
    }
    return pairTokenizer.tokenize(text);
  }

  /**
   * The text of the ids, control tokens included, with the original tokenizer's decoder. Like
   * Hugging Face's decode, SentencePiece-style decoders drop one leading space of the first
   * token, so decode whole sequences where a response may start with a space.
   */
  public String decode(int[] ids) {
    return original.decode(Arrays.stream(ids).asLongStream().toArray(), false);
  }

  /** One more than the largest token id, added tokens included; the model must cover it. */
  public int vocabularySize() {
    return vocabularySize;
  }

  /** The template mode in use: {@link TemplateMode#CHAT} or {@link TemplateMode#PLAIN}, never AUTO. */
  public TemplateMode mode() {
    return mode;
  }

  /** The sha256 of the chat template text, or of "plain" in PLAIN mode. */
  public String templateSha256() {
    return layout.sha256();
  }

  /** The sha256 of the {@code tokenizer.json} file. */
  public String tokenizerSha256() {
    return tokenizerSha256;
  }

  @Override
  public void close() {
    segments.close();
    original.close();
  }

  private static Path requireFile(Path dir, String name) {
    Path file = dir.resolve(name);
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("missing " + name);
    }
    return file;
  }

  /** {@link TemplateMode#AUTO} follows {@link TokenizerConfig#chatTemplate()}: the one rule for "has a template". */
  private static TemplateMode resolve(TemplateMode mode, TokenizerConfig config) {
    if (mode != TemplateMode.AUTO) {
      return mode;
    }
    return config.chatTemplate() == null ? TemplateMode.PLAIN : TemplateMode.CHAT;
  }

  private static ConversationLayout layout(
      TemplateMode mode, TokenizerConfig config, TemplateVariables variables) {
    if (mode == TemplateMode.PLAIN) {
      return new PlainLayout();
    }
    if (config.chatTemplate() == null) {
      throw new IllegalArgumentException(
          "chat mode needs a chat_template in tokenizer_config.json, which has none");
    }
    return new ChatTemplateLayout(new ChatTemplate(
        config.chatTemplate(), config.specialTokens(), variables, Clock.systemDefaultZone()));
  }

  /** The added tokens, plus the config's special tokens where they are plain vocabulary. */
  private static List<ControlToken> controlTokens(TokenizerJson tokenizer, TokenizerConfig config) {
    List<ControlToken> controls = new ArrayList<>(tokenizer.addedTokens());
    for (Map.Entry<String, String> special : config.specialTokens().entrySet()) {
      String text = special.getValue();
      if (controls.stream().anyMatch(control -> control.content().equals(text))) {
        continue;
      }
      OptionalInt id = tokenizer.idOf(text);
      if (id.isEmpty()) {
        throw new IllegalArgumentException(
            special.getKey() + " '" + text + "' is not a token of tokenizer.json");
      }
      controls.add(new ControlToken(id.getAsInt(), text, false, false, false));
    }
    return controls;
  }

  /** Fails if content spelling a control token could still encode to any control id. */
  private static void checkContentCannotFormControls(
      SegmentTokenizer segments, List<ControlToken> controls) {
    int[] controlIds = controls.stream().mapToInt(ControlToken::id).sorted().toArray();
    for (ControlToken control : controls) {
      AttributedText text = AttributedText.content(control.content());
      for (SegmentTokenizer.Position position : SegmentTokenizer.Position.values()) {
        for (int id : segments.encode(text, position).ids()) {
          if (Arrays.binarySearch(controlIds, id) >= 0) {
            throw new IllegalArgumentException(
                "content text '" + control.content() + "' still encodes to control token id "
                    + id);
          }
        }
      }
    }
  }

  /**
   * The BOS token to start sequences with, or null: {@code add_bos_token} when the config sets
   * it, else whatever the tokenizer's post-processor does.
   */
  private static ControlToken bosToken(
      TokenizerJson tokenizer, TokenizerConfig config, HuggingFaceTokenizer original) {
    String bosText = config.bosToken();
    OptionalInt bosId = bosText == null ? OptionalInt.empty() : tokenizer.idOf(bosText);
    boolean addBos =
        config.addBosToken() != null
            ? config.addBosToken()
            : bosId.isPresent() && postProcessorAddsBos(original, bosId.getAsInt());
    if (!addBos) {
      return null;
    }
    if (bosId.isEmpty()) {
      throw new IllegalArgumentException("add_bos_token is true but bos_token is not set");
    }
    return new ControlToken(bosId.getAsInt(), bosText, false, false, false);
  }

  private static boolean postProcessorAddsBos(HuggingFaceTokenizer original, int bosId) {
    long[] withSpecial = original.encode("a", true, false).getIds();
    long[] without = original.encode("a", false, false).getIds();
    return withSpecial.length > without.length && withSpecial[0] == bosId;
  }
}

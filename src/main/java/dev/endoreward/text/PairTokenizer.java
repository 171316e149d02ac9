package dev.endoreward.text;

import dev.endoreward.reward.Outcome;
import dev.endoreward.reward.RejectReason;
import java.util.List;

/**
 * Turns a laid-out pair into ids, with the prompt/response boundary as a hard token boundary.
 *
 * <p>Prompt: BOS (when the tokenizer adds one and the template did not already render it),
 * then the prompt text split at control tokens; each text piece is encoded as Hugging Face
 * encodes a piece between added tokens. The prompt is tokenised as if the text ended at the
 * boundary, so its ids never depend on the response.
 *
 * <p>Response: the text after the boundary, split the same way. An {@code rstrip} control token
 * at the end of the prompt still absorbs whitespace at the start of the response (as it would
 * in the whole text); an {@code lstrip} token at the start of the response does not reach back
 * into the prompt. If the prompt ends in text, the first response piece is encoded as a
 * continuation (no dummy prefix). The response ends with the first control token after the
 * response content (the template's end of turn, such as {@code <|end|>} or
 * {@code <|im_end|>}); anything after it, such as a trailing newline or EOS, is dropped.
 */
final class PairTokenizer {
  private final ControlTokenSplitter splitter;
  private final SegmentTokenizer segments;
  private final ControlToken bos;

  /** @param bos the token to start every sequence with, or null for none */
  PairTokenizer(ControlTokenSplitter splitter, SegmentTokenizer segments, ControlToken bos) {
    this.splitter = splitter;
    this.segments = segments;
    this.bos = bos;
  }

  Outcome<EncodedPair> tokenize(LaidOutPair pair) {
    List<Piece> promptPieces = splitter.split(pair.prompt(), false);
    TokenRun prompt = new TokenRun(pair.prompt().length());
    if (bos != null && !startsWith(promptPieces, bos)) {
      prompt.add(bos.id(), false);
    }
    for (int i = 0; i < promptPieces.size(); i++) {
      // Text pieces never touch, so a text piece after the first follows a control token.
      append(prompt, promptPieces.get(i), i == 0
          ? SegmentTokenizer.Position.START
          : SegmentTokenizer.Position.AFTER_CONTROL);
    }
    if (prompt.size() == 0) {
      return Outcome.rejected(
          RejectReason.TEMPLATE_ERROR,
          "the prompt encodes to no tokens and the tokenizer adds no BOS, so no token precedes the"
              + " first response token; give the row a non-empty prompt or system prompt");
    }

    Piece lastPromptPiece =
        promptPieces.isEmpty() ? null : promptPieces.get(promptPieces.size() - 1);
    boolean absorbLeadingSpace =
        lastPromptPiece instanceof Piece.Control control && control.token().rstrip();
    List<Piece> responsePieces = splitter.split(pair.response(), absorbLeadingSpace);
    TokenRun response = new TokenRun(pair.response().length());
    for (int i = 0; i < responsePieces.size(); i++) {
      Piece piece = responsePieces.get(i);
      append(response, piece, positionOfResponsePiece(i, lastPromptPiece));
      if (piece instanceof Piece.Control control
          && control.start() >= pair.responseContentEnd()) {
        break;
      }
    }
    if (response.size() == 0) {
      return Outcome.rejected(RejectReason.EMPTY_RESPONSE, "the response encodes to no tokens (the"
          + " template's whitespace handling absorbs all of it), so it has no token to score");
    }
    return Outcome.ok(EncodedPair.untruncated(prompt.ids(), prompt.cuttable(), response.ids()));
  }

  private static SegmentTokenizer.Position positionOfResponsePiece(
      int index, Piece lastPromptPiece) {
    if (index > 0) {
      return SegmentTokenizer.Position.AFTER_CONTROL;
    }
    if (lastPromptPiece == null) {
      return SegmentTokenizer.Position.START;
    }
    return lastPromptPiece instanceof Piece.Text
        ? SegmentTokenizer.Position.CONTINUATION
        : SegmentTokenizer.Position.AFTER_CONTROL;
  }

  private void append(TokenRun tokens, Piece piece, SegmentTokenizer.Position position) {
    if (piece instanceof Piece.Control control) {
      tokens.add(control.token().id(), false);
    } else if (piece instanceof Piece.Text text) {
      tokens.addAll(segments.encode(text.text(), position));
    }
  }

  private static boolean startsWith(List<Piece> pieces, ControlToken token) {
    return !pieces.isEmpty()
        && pieces.get(0) instanceof Piece.Control control
        && control.start() == 0
        && control.token().id() == token.id();
  }
}

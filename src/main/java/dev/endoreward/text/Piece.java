package dev.endoreward.text;

/**
 * A unit of tokenisation: a control token, or a stretch of text between control tokens that is
 * encoded as one segment.
 */
sealed interface Piece permits Piece.Control, Piece.Text {

  /**
   * @param token the control token
   * @param start where its literal starts in the text that was split (before any lstrip)
   */
  record Control(ControlToken token, int start) implements Piece {}

  /** @param text the text, with its content attribution */
  record Text(AttributedText text) implements Piece {}
}

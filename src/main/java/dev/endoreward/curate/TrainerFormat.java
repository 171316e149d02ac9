package dev.endoreward.curate;

/** TRL's two dataset forms. */
public enum TrainerFormat {
  /** Plain strings: {@code prompt}/{@code completion}, or {@code prompt}/{@code chosen}/{@code rejected}. */
  STANDARD,
  /** Lists of {@code {role, content}} messages, which the trainer renders with the model's chat template. */
  CONVERSATIONAL
}

package dev.endoreward.report;

/**
 * How much of a score output the page shows, and so the most bytes the page can take, whatever the size of
 * the output: each count below is a cap, every text shown is cut at a cap, and each shown element has a
 * largest written form ({@link #maxBytes()}).
 *
 * @param bins bars of each histogram
 * @param scatterRows points of reward against response length at most
 * @param prompts prompts listed with the widest spread at most
 * @param examples top examples, and as many bottom examples
 * @param maxTextChars characters of an example's prompt, and of its response, at most
 * @param maxTokens tokens of an example's heatmap at most
 */
public record ReportLimits(int bins, int scatterRows, int prompts, int examples, int maxTextChars, int maxTokens) {
  /** Characters of an id, prompt id or other name shown at most. */
  static final int NAME_CHARS = 120;
  /** Characters of one token's decoded text shown at most. */
  static final int TOKEN_CHARS = 24;
  /** Runs of the output's summary listed at most; the rest are counted. */
  static final int RUNS = 20;
  /** Rows of each eval accuracy table (files, subsets) at most; the rest are counted. */
  static final int EVAL_GROUPS = 60;

  /** Bytes of the page's frame, style, script, run summary and eval tables at most. */
  private static final long FRAME_BYTES = 192 * 1024;
  /** Bytes of one histogram bar, its label and its hover text at most. */
  private static final long BAR_BYTES = 240;
  /** Bytes of one scatter point and its hover text (an id) at most. */
  private static final long POINT_BYTES = 160 + 6 * NAME_CHARS;
  /** Bytes of one spread row (a prompt id, figures and a bar) at most. */
  private static final long PROMPT_ROW_BYTES = 400 + 6 * NAME_CHARS;
  /** Bytes of an example's frame: figures, id, headings, at most. */
  private static final long EXAMPLE_FRAME_BYTES = 1024 + 6 * 2 * NAME_CHARS;
  /** Bytes of one heatmap cell: its attributes and hover text, at most, besides its token text. */
  private static final long CELL_BYTES = 220;
  /**
   * Bytes one shown character takes at most: escaped as an entity ({@code &quot;}, 6 bytes), or in UTF-8
   * (at most 3 bytes per Java char).
   */
  private static final long CHAR_BYTES = 6;

  /** The page's size in bytes at most, whatever the score output. */
  public long maxBytes() {
    long histograms = 4L * bins * BAR_BYTES;
    long scatter = (long) scatterRows * POINT_BYTES;
    long spread = (long) prompts * PROMPT_ROW_BYTES;
    long oneExample = EXAMPLE_FRAME_BYTES + 2L * maxTextChars * CHAR_BYTES
        + (long) maxTokens * (CELL_BYTES + TOKEN_CHARS * CHAR_BYTES);
    return FRAME_BYTES + histograms + scatter + spread + 2L * examples * oneExample;
  }
}

package dev.endoreward.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.endoreward.testing.PreferenceData;
import dev.endoreward.testing.PreferenceData.Comparison;
import dev.endoreward.text.PairInput;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The benchmarks' fixed pair set: the first comparisons of the HH-RLHF harmless test split, each giving
 * two pairs (its chosen and its rejected response to the shared prompt), in file order.
 */
public final class BenchPairs {
  private BenchPairs() {}

  /**
   * One pair of the set.
   *
   * @param id stable row id, {@code hh-<comparison>-chosen} or {@code hh-<comparison>-rejected}
   * @param prompt the transcript up to the last assistant turn, scored as one user message
   * @param response the assistant continuation
   */
  public record BenchPair(String id, String prompt, String response) {
    /** The pair as the engine takes it: what the score job's prompt/response form reads from a row. */
    public PairInput toPairInput() {
      return PairInput.of(null, prompt, response);
    }
  }

  /** Two pairs for each of the first {@code comparisons} HH-RLHF harmless test comparisons. */
  public static List<BenchPair> hhRlhf(int comparisons) {
    List<BenchPair> pairs = new ArrayList<>(2 * comparisons);
    List<Comparison> read = PreferenceData.hhRlhf(comparisons);
    for (int i = 0; i < read.size(); i++) {
      Comparison comparison = read.get(i);
      pairs.add(new BenchPair("hh-" + i + "-chosen", comparison.prompt(), comparison.chosen()));
      pairs.add(new BenchPair("hh-" + i + "-rejected", comparison.prompt(), comparison.rejected()));
    }
    return pairs;
  }

  /**
   * {@link #hhRlhf(int)} {@code copies} times over, for inputs larger than the data: copy {@code c} of a pair
   * keeps its texts and gets the id {@code <id>-copy<c>} (the first copy keeps its id), so every row is scored.
   */
  public static List<BenchPair> hhRlhf(int comparisons, int copies) {
    if (copies < 1) {
      throw new IllegalArgumentException("Cannot make " + copies + " copies of the benchmark pairs: at least 1");
    }
    List<BenchPair> once = hhRlhf(comparisons);
    List<BenchPair> pairs = new ArrayList<>(once.size() * copies);
    for (int copy = 0; copy < copies; copy++) {
      for (BenchPair pair : once) {
        pairs.add(copy == 0 ? pair : new BenchPair(pair.id() + "-copy" + copy, pair.prompt(), pair.response()));
      }
    }
    return pairs;
  }

  /**
   * Writes {@code pairs} as JSON Lines ({@code id}, {@code prompt}, {@code response}) into {@code files}
   * files of {@code folder}, contiguous slices of nearly equal size, so that a Spark job reads one
   * partition per file.
   */
  public static void writeJsonl(List<BenchPair> pairs, int files, Path folder) {
    ObjectMapper json = new ObjectMapper();
    try {
      Files.createDirectories(folder);
      for (int file = 0; file < files; file++) {
        Path path = folder.resolve(String.format("part-%05d.jsonl", file));
        try (BufferedWriter out = Files.newBufferedWriter(path, StandardCharsets.UTF_8)) {
          for (BenchPair pair : pairs.subList(pairs.size() * file / files, pairs.size() * (file + 1) / files)) {
            ObjectNode row = json.createObjectNode();
            row.put("id", pair.id());
            row.put("prompt", pair.prompt());
            row.put("response", pair.response());
            out.write(json.writeValueAsString(row));
            out.write('\n');
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the benchmark input " + folder, e);
    }
  }
}

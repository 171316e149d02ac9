package dev.endoreward.bench;

import dev.endoreward.testing.SharedFixtures;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Writes the benchmark pairs as the score job's JSON Lines input, and makes sure the stories260K
 * artefact exists (exporting it on first use).
 *
 * <pre>
 *   WriteBenchInput --output DIR [--comparisons 100] [--files 2] [--copies 1]
 * </pre>
 */
public final class WriteBenchInput {
  private WriteBenchInput() {}

  public static void main(String[] args) {
    BenchArgs options = new BenchArgs(args, Set.of("output", "comparisons", "files", "copies"));
    Path output = Path.of(options.required("output"));
    int comparisons = options.integer("comparisons", EngineBenchmark.COMPARISONS_DEFAULT);
    int files = options.integer("files", 2);
    SharedFixtures.storiesArtefact();
    int copies = options.integer("copies", 1);
    List<BenchPairs.BenchPair> pairs = BenchPairs.hhRlhf(comparisons, copies);
    BenchPairs.writeJsonl(pairs, files, output);
    System.out.printf("Wrote %,d pairs (%,d HH-RLHF comparisons, %d copies) in %d files to %s%n", pairs.size(),
        comparisons, copies, files, output);
  }
}

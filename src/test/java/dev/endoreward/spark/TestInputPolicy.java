package dev.endoreward.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.endoreward.spark.config.ScoreConfig;
import dev.endoreward.testing.DuckDb;
import dev.endoreward.testing.ScoreOutput;
import dev.endoreward.testing.SparkTestBase;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the job reads and how it names what it cannot, on the model-free {@link CodePointScorer}. */
class TestInputPolicy extends SparkTestBase {
  @TempDir Path temp;

  private RunSummary run(Path input, String... keyValues) {
    ScoreConfig config = CodePointScorer.config(input, temp.resolve("out"), keyValues);
    return ScoreJob.run(spark, config,
        new EndogenousRewardScorer(config, Map.of("model_path", "none"), CodePointScorer.factory()));
  }

  private static String pair(String id) {
    return "{\"id\":\"" + id + "\",\"prompt\":\"Why?\",\"response\":\"Because " + id + "\"}";
  }

  private List<Map<String, Object>> rejected() {
    return DuckDb.query("SELECT * FROM read_parquet('" + ScoreOutput.glob(temp.resolve("out"), "rejected") + "')");
  }

  @Test
  void aBadLineIsNamedByItsLineNumberWhenTheFileIsReadInManySplits() throws IOException {
    List<String> lines = new ArrayList<>();
    for (int i = 1; i <= 3000; i++) {
      lines.add(i == 2345 ? "{\"id\":\"broken\"," : i % 100 == 0 ? "" : pair("r" + i));
    }
    Path input = Files.write(temp.resolve("many.jsonl"), lines);
    spark.sparkContext().hadoopConfiguration().setLong("mapreduce.input.fileinputformat.split.maxsize", 16_384);
    try {
      RunSummary summary = run(input);
      assertThat(summary.rowsIn()).isEqualTo(3000 - 30); // blank lines are no rows
      assertThat(rejected()).singleElement().satisfies(row -> {
        assertThat(row.get("reject_reason")).isEqualTo("MALFORMED_INPUT");
        assertThat((String) row.get("reject_detail")).startsWith(input.toUri().toString().replace("file:///", "file:/")
            + ", line 2345: not JSON");
        assertThat(row.get("id")).isNull();
      });
    } finally {
      spark.sparkContext().hadoopConfiguration().unset("mapreduce.input.fileinputformat.split.maxsize");
    }
  }

  @Test
  void gzippedJsonLinesAreReadAndTheirBadLinesNumbered() throws IOException {
    Path input = temp.resolve("pairs.jsonl.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(input))) {
      out.write((pair("a") + "\n" + pair("b") + "\n[]\n").getBytes(StandardCharsets.UTF_8));
    }
    RunSummary summary = run(input, "input.on-malformed", "reject");
    assertThat(summary.rowsScored()).isEqualTo(2);
    assertThat((String) rejected().get(0).get("reject_detail")).contains("pairs.jsonl.gz, line 3: not a JSON object but an array");
  }

  @Test
  void repeatedIdsAreKeptAndCountedOrRejectedNamingTheKeptRow() throws IOException {
    Path folder = Files.createDirectories(temp.resolve("in"));
    Files.write(folder.resolve("b.jsonl"), List.of(pair("x"), pair("y")));
    Files.write(folder.resolve("a.jsonl"), List.of(pair("z"), pair("x"), pair("x")));

    RunSummary kept = run(folder, "output.mode", "overwrite");
    assertThat(kept.rowsScored()).isEqualTo(5);
    assertThat(kept.duplicateIds()).isEqualTo(2);
    assertThat(kept.describe()).contains("2 duplicate ids");

    RunSummary rejected = run(folder, "output.mode", "overwrite", "input.duplicate-ids", "reject", "job.partitions", "3");
    assertThat(rejected.rowsScored()).isEqualTo(3);
    assertThat(rejected.duplicateIds()).isEqualTo(2);
    // the first x is the one in a.jsonl (paths sort first), at its second line, byte offset of line 2
    int secondLine = pair("z").length() + 1;
    assertThat(rejected()).hasSize(2).allSatisfy(row -> {
      assertThat(row.get("reject_reason")).isEqualTo("DUPLICATE_ID");
      assertThat((String) row.get("reject_detail")).endsWith("a.jsonl, the line at byte " + secondLine);
    });
  }

  @Test
  void aFolderMixingFormatsIsRefusedUnlessTheFormatIsSet() throws IOException {
    Path folder = Files.createDirectories(temp.resolve("mixed"));
    Files.write(folder.resolve("b.jsonl"), List.of(pair("j")));
    spark.read().json(folder.resolve("b.jsonl").toString()).write().parquet(folder.resolve("p").toString());
    assertThatThrownBy(() -> run(folder)).isInstanceOf(InputException.class)
        .hasMessageStartingWith("Cannot read input " + folder + ": it mixes Parquet (")
        .hasMessageContaining("b.jsonl").hasMessageEndingWith("set input.format to read one kind only");
    assertThat(run(folder, "input.format", "jsonl").rowsIn()).isEqualTo(1);
    assertThat(run(folder, "input.format", "parquet", "output.mode", "overwrite").rowsIn()).isEqualTo(1);
  }

  @Test
  void nothingMatchingAndNothingInsideAreNamed() throws IOException {
    Path missing = temp.resolve("missing.jsonl");
    assertThatThrownBy(() -> run(missing)).isInstanceOf(InputException.class)
        .hasMessage("Cannot read input " + missing + ": nothing matches");
    String glob = temp.resolve("nothing-*.parquet").toString();
    assertThatThrownBy(() -> run(Path.of(glob))).isInstanceOf(InputException.class)
        .hasMessage("Cannot read input " + glob + ": nothing matches");
    Path empty = Files.createDirectories(temp.resolve("empty"));
    Files.write(empty.resolve("a.jsonl"), new byte[0]);
    Files.write(empty.resolve("b.jsonl"), new byte[0]);
    assertThatThrownBy(() -> run(empty)).isInstanceOf(InputException.class)
        .hasMessage("Cannot read input " + empty + ": it holds no rows (every file is empty)");
    Path blank = Files.write(temp.resolve("blank.jsonl"), List.of("", "  "));
    assertThatThrownBy(() -> run(blank)).isInstanceOf(InputException.class)
        .hasMessage("Cannot read input " + blank + ": it holds no rows (only blank lines)");
    Path unreadable = Files.write(temp.resolve("unreadable.jsonl"), List.of("[1]", "{\"id\":\"a\",\"prompt\":7}"));
    RunSummary summary = run(unreadable);
    assertThat(summary.rowsIn()).isEqualTo(2);
    assertThat(summary.rejectedByReason()).containsEntry("MALFORMED_INPUT", 2L);
  }
}

package dev.endoreward.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.endoreward.spark.config.ScoreConfig;
import dev.endoreward.testing.DuckDb;
import dev.endoreward.testing.HostileCorpus;
import dev.endoreward.testing.ScoreOutput;
import dev.endoreward.testing.SharedFixtures;
import dev.endoreward.testing.SparkTestBase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hostile corpus ({@link HostileCorpus}) scored end to end by the bundled demo model, as JSON Lines and
 * as Parquet: every record is scored or rejected with the reason the corpus says, the counts add up when
 * read back with DuckDB, and a corrupt Parquet file or a bad line under {@code input.on-malformed=fail}
 * stops the job with a message naming it.
 */
class TestHostileCorpus extends SparkTestBase {
  private static final Pattern LINE = Pattern.compile(", line (\\d+): ");
  private static final String NO_ID = "(no id)";

  @TempDir Path temp;

  private ScoreConfig config(Path input, String... keyValues) {
    Map<String, String> values = new HashMap<>();
    values.put("model.path", SharedFixtures.projectDir().resolve("src/demo/model").toString());
    values.put("input.path", input.toString());
    values.put("output.path", temp.resolve("out").toString());
    values.put("job.progress", "false");
    values.put("job.partitions", "3");
    values.put("input.duplicate-ids", "reject");
    values.put("input.on-malformed", "reject");
    for (int i = 0; i < keyValues.length; i += 2) {
      values.put(keyValues[i], keyValues[i + 1]);
    }
    return ScoreConfig.fromMap(values);
  }

  private List<Map<String, Object>> read(String child) {
    return DuckDb.query("SELECT * FROM read_parquet('" + ScoreOutput.glob(temp.resolve("out"), child) + "')");
  }

  /** "key -> outcome" of every output row: the key is the id, else the line a detail names, else no id. */
  private List<String> outcomes() {
    List<String> outcomes = new ArrayList<>();
    read("scored").forEach(row -> outcomes.add(key(row.get("id"), null) + " -> " + HostileCorpus.SCORED));
    read("rejected").forEach(row -> outcomes.add(key(row.get("id"), (String) row.get("reject_detail")) + " -> "
        + row.get("reject_reason")));
    return outcomes.stream().sorted().toList();
  }

  private static String key(Object id, String detail) {
    if (id != null) {
      return id.toString();
    }
    Matcher line = detail == null ? null : LINE.matcher(detail);
    return line != null && line.find() ? "line " + line.group(1) : NO_ID;
  }

  @Test
  void everyJsonLinesRecordEndsAsTheCorpusSays() {
    Path input = HostileCorpus.writeJsonLines(temp.resolve("hostile.jsonl"));
    List<HostileCorpus.Line> lines = HostileCorpus.lines();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      HostileCorpus.Line line = lines.get(i);
      if (line.expected() == null) {
        continue; // a blank line is no row
      }
      boolean readerRejects = line.expected().equals("MALFORMED_INPUT") || line.expected().equals("INVALID_TEXT");
      String key = line.id() != null ? line.id() : readerRejects ? "line " + (i + 1) : NO_ID;
      expected.add(key + " -> " + line.expected());
    }

    RunSummary summary = ScoreJob.run(spark, config(input));

    assertThat(outcomes()).isEqualTo(expected.stream().sorted().toList());
    assertThat(summary.rowsIn()).isEqualTo(expected.size());
    assertThat(summary.rowsScored() + summary.rowsRejected()).isEqualTo(summary.rowsIn());
    assertThat(read("scored").size() + read("rejected").size())
        .isEqualTo(ScoreOutput.onlyRun(temp.resolve("out")).get("rows_in").asInt());
    assertThat(summary.duplicateIds()).isEqualTo(1);
    assertThat(ScoreOutput.onlyRun(temp.resolve("out")).get("duplicate_ids").asLong()).isEqualTo(1);

    Map<Object, Object> prompts = new HashMap<>();
    read("scored").forEach(row -> prompts.put(row.get("id"), row.get("prompt")));
    for (HostileCorpus.Line line : lines) {
      if (line.prompt() != null) {
        assertThat(prompts.get(line.id())).as(line.label()).isEqualTo(line.prompt());
      }
    }
    List<Map<String, Object>> rejected = read("rejected");
    Map<String, Object> longBad = rejected.stream()
        .filter(r -> String.valueOf(r.get("reject_detail")).contains("long-bad")).findFirst().orElseThrow();
    assertThat((String) longBad.get("reject_detail")).contains(input.getFileName().toString())
        .contains("the line's first 1,000 of 5,").hasSizeLessThan(1_300);
    assertThat(rejected).filteredOn(r -> "DUPLICATE_ID".equals(r.get("reject_reason"))).singleElement()
        .satisfies(r -> assertThat((String) r.get("reject_detail")).contains("hostile.jsonl, the line at byte "));
    assertThat(rejected).filteredOn(r -> "INVALID_TEXT".equals(r.get("reject_reason")))
        .extracting(r -> (String) r.get("reject_detail"))
        .anySatisfy(d -> assertThat(d).contains("is not valid UTF-8"))
        .anySatisfy(d -> assertThat(d).contains("lone surrogate U+D800"));
    assertThat(DuckDb.schema(ScoreOutput.glob(temp.resolve("out"), "scored")).keySet())
        .noneMatch(column -> column.startsWith("__endoreward"));
    assertThat(DuckDb.schema(ScoreOutput.glob(temp.resolve("out"), "rejected")).keySet())
        .noneMatch(column -> column.startsWith("__endoreward"));
  }

  @Test
  void everyParquetRowEndsAsTheCorpusSays() throws IOException {
    Path folder = Files.createDirectories(temp.resolve("parquet"));
    HostileCorpus.writeParquet(spark, folder);
    List<String> expected = new ArrayList<>();
    for (HostileCorpus.ParquetRow row : HostileCorpus.parquetRows()) {
      expected.add((row.id() == null ? NO_ID : new String(row.id(), java.nio.charset.StandardCharsets.UTF_8))
          + " -> " + row.expected());
    }

    RunSummary summary = ScoreJob.run(spark, config(folder));

    assertThat(outcomes()).isEqualTo(expected.stream().sorted().toList());
    assertThat(summary.rowsIn()).isEqualTo(expected.size());
    assertThat(summary.duplicateIds()).isEqualTo(1);
    Map<Object, Object> prompts = new HashMap<>();
    read("scored").forEach(row -> prompts.put(row.get("id"), row.get("prompt")));
    for (HostileCorpus.ParquetRow row : HostileCorpus.parquetRows()) {
      if (row.expected().equals(HostileCorpus.SCORED)) {
        assertThat(prompts.get(new String(row.id(), java.nio.charset.StandardCharsets.UTF_8))).as(row.label())
            .isEqualTo(HostileCorpus.promptOf(row));
      }
    }
    assertThat(read("rejected")).filteredOn(r -> "INVALID_TEXT".equals(r.get("reject_reason")))
        .extracting(r -> (String) r.get("reject_detail"))
        .allSatisfy(d -> assertThat(d).contains("hostile.parquet, row ").contains("is not valid UTF-8"));
  }

  @Test
  void aCorruptParquetFileAmongValidOnesFailsNamingIt() throws IOException {
    Path folder = Files.createDirectories(temp.resolve("parquet"));
    HostileCorpus.writeParquet(spark, folder);
    Path corrupt = HostileCorpus.writeCorruptParquet(folder, "part-corrupt.parquet");

    assertThatThrownBy(() -> ScoreJob.run(spark, config(folder)))
        .isInstanceOf(InputException.class)
        .hasMessageStartingWith("Cannot read input ")
        .hasMessageContaining(corrupt.getFileName().toString());
    assertThat(temp.resolve("out/_runs")).doesNotExist();
  }

  @Test
  void aBadLineUnderFailStopsTheJobNamingItsFileAndLine() {
    Path input = HostileCorpus.writeJsonLines(temp.resolve("hostile.jsonl"));
    List<HostileCorpus.Line> lines = HostileCorpus.lines();
    int first = 0;
    while (!"MALFORMED_INPUT".equals(lines.get(first).expected()) && !"INVALID_TEXT".equals(lines.get(first).expected())) {
      first++;
    }
    assertThatThrownBy(() -> ScoreJob.run(spark, config(input, "input.on-malformed", "fail")))
        .isInstanceOf(InputException.class)
        .hasMessageStartingWith("Cannot read input ")
        .hasMessageContaining("hostile.jsonl, line " + (first + 1) + ": ");
  }
}

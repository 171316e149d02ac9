package dev.endoreward.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.endoreward.spark.InputException;
import dev.endoreward.testing.DuckDb;
import dev.endoreward.testing.SparkTestBase;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The format readers on small hand-written files in each published form. */
class TestPreferenceReaders extends SparkTestBase {
  @TempDir
  Path dir;

  private static String rmBenchRecord(String id, String prompt) {
    return """
        {"id": "%1$s", "prompt": "%2$s", "chosen": ["c1 %1$s", "c2 %1$s", "c3 %1$s"],
         "rejected": ["r1 %1$s", "r2 %1$s", "r3 %1$s"], "domain": "extra field"}""".formatted(id, prompt);
  }

  private Path rmBenchFolder() throws IOException {
    Path folder = Files.createDirectories(dir.resolve("rm-bench"));
    Files.writeString(folder.resolve("chat_filtered.json"), "[" + rmBenchRecord("1", "Hi?") + ","
        + rmBenchRecord("2", "Why?") + "]");
    Files.writeString(folder.resolve("safety-refuse_filtered.json"), "[" + rmBenchRecord("1", "Harm?") + "]");
    Files.writeString(folder.resolve("safety-response_filtered.json"), "[" + rmBenchRecord("9", "Help?") + "]");
    Files.writeString(folder.resolve("total_dataset.json"), "[]");
    return folder;
  }

  @Test
  void rmBenchFolderGivesDomainsFromFileNames() throws IOException {
    PreferenceData data = PreferenceData.read(spark, rmBenchFolder().toString(), PreferenceFormat.RM_BENCH, 0);

    assertThat(data.files()).containsExactly("chat_filtered.json", "safety-refuse_filtered.json",
        "safety-response_filtered.json");
    assertThat(data.ignored()).containsExactly("total_dataset.json");
    assertThat(data.records()).extracting(PreferenceRecord::id).containsExactly("chat_filtered.json/1",
        "chat_filtered.json/2", "safety-refuse_filtered.json/1", "safety-response_filtered.json/9");
    assertThat(data.records()).extracting(PreferenceRecord::subset).containsExactly("chat", "chat", "safety",
        "safety");
    PreferenceRecord first = data.records().get(0);
    assertThat(first.chosen()).containsExactly(List.of(Turn.user("Hi?"), Turn.assistant("c1 1")),
        List.of(Turn.user("Hi?"), Turn.assistant("c2 1")), List.of(Turn.user("Hi?"), Turn.assistant("c3 1")));
    assertThat(first.rejected().get(2)).containsExactly(Turn.user("Hi?"), Turn.assistant("r3 1"));
  }

  @Test
  void rmBenchAcceptsOneOfItsFiles() throws IOException {
    Path file = rmBenchFolder().resolve("safety-response_filtered.json");

    PreferenceData data = PreferenceData.read(spark, file.toString(), PreferenceFormat.RM_BENCH, 0);

    assertThat(data.records()).extracting(PreferenceRecord::subset).containsExactly("safety");
    assertThatThrownBy(() -> PreferenceData.read(spark, rmBenchFolder().resolve("total_dataset.json").toString(),
        PreferenceFormat.RM_BENCH, 0)).isInstanceOf(InputException.class)
        .hasMessage("Cannot read input " + dir.resolve("rm-bench/total_dataset.json") + ": RM-Bench's files are"
            + " chat_filtered.json, code_filtered.json, math_filtered.json, safety-refuse_filtered.json,"
            + " safety-response_filtered.json");
  }

  @Test
  void rmBenchRecordWithoutThreeResponsesIsRefused() throws IOException {
    Path file = Files.writeString(dir.resolve("math_filtered.json"),
        "[{\"id\": 1, \"prompt\": \"1+1?\", \"chosen\": [\"2\", \"two\"], \"rejected\": [\"3\", \"4\", \"5\"]}]");

    assertThatThrownBy(() -> PreferenceData.read(spark, file.toString(), PreferenceFormat.RM_BENCH, 0))
        .isInstanceOf(InputException.class)
        .hasMessage("Cannot read input " + file + ": record 1: its chosen is not an array of 3 responses"
            + " (eval.format=rm-bench)");
  }

  @Test
  void rewardBenchReadsJsonLinesAndParquetWithItsSubsets() throws IOException {
    String lines = """
        {"prompt": "Say hi", "chosen": "Hi!", "rejected": "No.", "subset": "alpacaeval-easy", "id": 30}
        {"prompt": "2+2?", "chosen": "4", "rejected": "5", "subset": "math-prm", "id": 31}
        """;
    Path jsonl = Files.writeString(dir.resolve("filtered.json"), lines);
    Path parquet = dir.resolve("filtered.parquet");
    DuckDb.execute("COPY (SELECT * FROM read_json_auto('" + jsonl + "')) TO '" + parquet + "' (FORMAT PARQUET)");

    for (Path file : List.of(jsonl, parquet)) {
      PreferenceData data = PreferenceData.read(spark, file.toString(), PreferenceFormat.REWARDBENCH, 0);

      String name = file.getFileName().toString();
      assertThat(data.records()).containsExactly(
          PreferenceRecord.single(name + "/30", name, "alpacaeval-easy", List.of(Turn.user("Say hi")), "Hi!", "No."),
          PreferenceRecord.single(name + "/31", name, "math-prm", List.of(Turn.user("2+2?")), "4", "5"));
    }
  }

  @Test
  void hhRlhfTranscriptsBecomeConversations() throws IOException {
    String line = "{\"chosen\": \"\\n\\nHuman: Hi there\\n\\nAssistant: Hello.\\n\\nHuman: Tell me a joke."
        + "\\n\\nAssistant: Why did the chicken cross the road?\", \"rejected\": \"\\n\\nHuman: Hi there"
        + "\\n\\nAssistant: Hello.\\n\\nHuman: Tell me a joke.\\n\\nAssistant: No.\"}\n";
    Path file = dir.resolve("helpful-test.jsonl.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write((line + line).getBytes(StandardCharsets.UTF_8));
    }

    PreferenceData data = PreferenceData.read(spark, file.toString(), PreferenceFormat.HH_RLHF, 1);

    List<Turn> prompt = List.of(Turn.user("Hi there"), Turn.assistant("Hello."), Turn.user("Tell me a joke."));
    assertThat(data.records()).containsExactly(PreferenceRecord.single("helpful-test.jsonl.gz/0",
        "helpful-test.jsonl.gz", "helpful-test", prompt, "Why did the chicken cross the road?", "No."));
  }

  @Test
  void hhRlhfTranscriptEndingWithTheHumanIsRefused() throws IOException {
    Path file = Files.writeString(dir.resolve("bad.jsonl"),
        "{\"chosen\": \"\\n\\nHuman: Hi\\n\\nAssistant: Yo\", \"rejected\": \"\\n\\nHuman: Hi\"}\n");

    assertThatThrownBy(() -> PreferenceData.read(spark, file.toString(), PreferenceFormat.HH_RLHF, 0))
        .hasMessage("Cannot read input " + file + ": record 1: its rejected transcript does not end with an"
            + " \"\\n\\nAssistant:\" turn (eval.format=hh-rlhf)");
  }

  @Test
  void llmBarLabelNamesTheChosenOutput() throws IOException {
    Path file = Files.writeString(dir.resolve("LLMBar_Manual.json"), """
        [{"input": "Pick", "output_1": "one", "output_2": "two", "label": 2},
         {"input": "Pick", "output_1": "one", "output_2": "two", "label": 1},
         {"input": "Pick", "output_1": "one", "output_2": "two", "label": 3}]""");

    PreferenceData firstTwo = PreferenceData.read(spark, file.toString(), PreferenceFormat.LLMBAR, 2);

    assertThat(firstTwo.records()).extracting(r -> r.chosen().get(0).get(1).content()).containsExactly("two", "one");
    assertThat(firstTwo.records()).extracting(PreferenceRecord::subset).containsOnly("LLMBar_Manual");
    assertThatThrownBy(() -> PreferenceData.read(spark, file.toString(), PreferenceFormat.LLMBAR, 0))
        .hasMessage("Cannot read input " + file + ": record 3: its label is not 1 or 2 (eval.format=llmbar)");
  }

  @Test
  void pathsWithoutDataAreRefused() throws IOException {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    Files.writeString(empty.resolve("notes.txt"), "not data");

    assertThatThrownBy(() -> PreferenceData.read(spark, dir.resolve("missing").toString(), PreferenceFormat.LLMBAR, 0))
        .isInstanceOf(InputException.class)
        .hasMessage("Cannot read input " + dir.resolve("missing") + ": it does not exist");
    assertThatThrownBy(() -> PreferenceData.read(spark, empty.toString(), PreferenceFormat.LLMBAR, 0))
        .hasMessage("Cannot read input " + empty + ": the folder holds no data file; expected .json, .jsonl"
            + " (optionally .gz) or .parquet files");
  }

  @Test
  void repeatedIdsAreRefused() throws IOException {
    Path file = Files.writeString(dir.resolve("rb.jsonl"), """
        {"prompt": "p", "chosen": "a", "rejected": "b", "subset": "s", "id": 1}
        {"prompt": "q", "chosen": "a", "rejected": "b", "subset": "s", "id": 1}
        """);

    assertThatThrownBy(() -> PreferenceData.read(spark, file.toString(), PreferenceFormat.REWARDBENCH, 0))
        .hasMessage("Cannot read input " + file + ": record 2 has the id of an earlier one (rb.jsonl/1); ids must be"
            + " unique within a file");
  }
}

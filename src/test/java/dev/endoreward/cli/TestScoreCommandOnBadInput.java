package dev.endoreward.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.endoreward.spark.ScoreJob;
import dev.endoreward.testing.DuckDb;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The real {@code score} command, with the real job and the bundled demo model, on the inputs and outputs users
 * get wrong: each exits 2 with one "Cannot ..." line and no stack trace. The table of cases is printed, as the
 * operator sees it.
 */
class TestScoreCommandOnBadInput {
  private static final Path DEMO_MODEL = Path.of("src", "demo", "model");
  private static final List<String> TABLE = new ArrayList<>();

  @TempDir static Path temp;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @AfterAll
  static void printTheTable() {
    System.out.println("| case | exit | stderr |\n|---|---|---|\n" + String.join("\n", TABLE));
  }

  private static String pair(String id) {
    return "{\"id\":\"" + id + "\",\"prompt\":\"1+1=\",\"response\":\"2\"}";
  }

  private static Path write(String name, String text) throws IOException {
    Path file = temp.resolve(name);
    Files.createDirectories(file.getParent());
    return Files.writeString(file, text, StandardCharsets.UTF_8);
  }

  /** Runs {@code score} on {@code input} into a fresh folder, as {@code Main} does, and records the case. */
  private int score(String what, String input, String output, String... more) {
    return score(what, DEMO_MODEL, input, output, more);
  }

  private int score(String what, Path model, String input, String output, String... more) {
    SparkSessionFactory sessions = () -> SparkSession.builder().master("local[1]")
        .appName(SparkSessionFactory.APP_NAME)
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .getOrCreate();
    CommandLine commandLine = Main.commandLine(ScoreJob::run, sessions, temp.resolve("no-default.properties"));
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    List<String> args = new ArrayList<>(List.of("score", "--model", model.toString(), "--input", input,
        "--output", output, "--set", "job.progress=false"));
    args.addAll(List.of(more));
    int code = commandLine.execute(args.toArray(String[]::new));
    TABLE.add("| " + what + " | " + code + " | `" + err.toString().strip() + "` |");
    return code;
  }

  private String output(String name) {
    return temp.resolve("out-" + name).toString();
  }

  /** Asserts exit 2 and that stderr is exactly {@code line}, one line, no stack trace. */
  private void assertRefused(int code, String line) {
    assertThat(code).isEqualTo(ExitCodes.CONFIG_ERROR);
    assertThat(err.toString()).isEqualTo(line + System.lineSeparator());
  }

  @Test
  void aPathThatDoesNotExist() {
    String missing = temp.resolve("no-such-folder").toString();
    assertRefused(score("missing path", missing, output("missing")),
        "Cannot read input " + missing + ": nothing matches");
  }

  @Test
  void aGlobThatMatchesNothing() throws IOException {
    write("glob/a.jsonl", pair("a"));
    String glob = temp.resolve("glob").resolve("*.parquet").toString();
    assertRefused(score("empty glob", glob, output("glob")), "Cannot read input " + glob + ": nothing matches");
  }

  @Test
  void aMalformedLineWhenTheyFail() throws IOException {
    Path file = write("malformed.jsonl", pair("a") + "\n" + pair("b") + "\n{\"id\": \"c\", \"prompt\": \n");
    int code = score("malformed line, input.on-malformed=fail", file.toString(), output("malformed"),
        "--set", "input.on-malformed=fail");
    assertThat(code).isEqualTo(ExitCodes.CONFIG_ERROR);
    assertThat(err.toString()).startsWith("Cannot read input " + file.toUri().toString().replace("file:///", "file:/")
        + ", line 3: not JSON").hasLineCount(1).doesNotContain("\tat ");
  }

  @Test
  void aFolderWithOneCorruptParquetFile() throws IOException {
    Path folder = Files.createDirectories(temp.resolve("corrupt"));
    DuckDb.execute("COPY (SELECT 'a' AS id, '1+1=' AS prompt, '2' AS response) TO '" + folder.resolve("good.parquet")
        + "' (FORMAT PARQUET)");
    write("corrupt/bad.parquet", "this was never a Parquet file");
    int code = score("corrupt Parquet file among valid ones", folder.toString(), output("corrupt"));
    assertThat(code).isEqualTo(ExitCodes.CONFIG_ERROR);
    assertThat(err.toString()).startsWith("Cannot read input ").contains("bad.parquet").hasLineCount(1)
        .doesNotContain("\tat ");
  }

  @Test
  void aParquetFileDamagedPastItsFooter() throws IOException {
    Path file = temp.resolve("damaged.parquet");
    DuckDb.execute("COPY (SELECT 'r' || i AS id, repeat('prompt ', 50) AS prompt, 'answer' AS response"
        + " FROM range(200) t(i)) TO '" + file + "' (FORMAT PARQUET, COMPRESSION UNCOMPRESSED)");
    byte[] bytes = Files.readAllBytes(file);
    // The first page header starts right after the leading magic; the footer at the end stays intact.
    for (int i = 4; i < 68; i++) {
      bytes[i] = (byte) 0xFF;
    }
    Files.write(file, bytes);
    int code = score("Parquet file damaged past its footer", file.toString(), output("damaged"));
    assertThat(code).isEqualTo(ExitCodes.CONFIG_ERROR);
    assertThat(err.toString()).startsWith("Cannot read input ").contains("damaged.parquet").hasLineCount(1)
        .doesNotContain("\tat ");
  }

  @Test
  void aFolderThatMixesFormats() throws IOException {
    Path folder = Files.createDirectories(temp.resolve("mixed"));
    DuckDb.execute("COPY (SELECT 'a' AS id, '1+1=' AS prompt, '2' AS response) TO '" + folder.resolve("a.parquet")
        + "' (FORMAT PARQUET)");
    write("mixed/b.jsonl", pair("b"));
    int code = score("folder mixing .parquet and .jsonl", folder.toString(), output("mixed"));
    assertThat(code).isEqualTo(ExitCodes.CONFIG_ERROR);
    assertThat(err.toString()).startsWith("Cannot read input " + folder + ": it mixes Parquet (")
        .contains("a.parquet", "b.jsonl", "set input.format").hasLineCount(1);
  }

  @Test
  void anEmptyFile() throws IOException {
    Path file = write("empty.jsonl", "");
    int code = score("empty file", file.toString(), output("empty"));
    assertThat(code).isEqualTo(ExitCodes.CONFIG_ERROR);
    assertThat(err.toString()).startsWith("Cannot read input " + file + ": it holds no rows").hasLineCount(1);
  }

  @Test
  void aConfiguredColumnThatIsMissing() throws IOException {
    Path file = write("columns.jsonl", "{\"id\":\"a\",\"question\":\"1+1=\",\"response\":\"2\"}\n");
    int code = score("missing prompt column", file.toString(), output("columns"));
    assertThat(code).isEqualTo(ExitCodes.CONFIG_ERROR);
    assertThat(err.toString()).startsWith("Cannot read input " + file + ": column 'prompt' is missing; it has ")
        .contains("question").doesNotContain("__endoreward").hasLineCount(1);
  }

  @Test
  void anOutputPathThatIsAFile() throws IOException {
    Path input = write("ok.jsonl", pair("a"));
    Path file = write("scores.parquet", "a file");
    assertRefused(score("output path is a file", input.toString(), file.toString(), "--set", "output.mode=overwrite"),
        "Cannot write to " + file + ": it is a file, not a folder; choose a folder path");
  }

  @Test
  void aModelFolderThatIsNotAnArtefact() throws IOException {
    Path input = write("ok2.jsonl", pair("a"));
    Path notAModel = Files.createDirectories(temp.resolve("not-a-model"));
    int code = score("model folder without an artefact", notAModel, input.toString(), output("model"));
    assertThat(code).isEqualTo(ExitCodes.CONFIG_ERROR);
    assertThat(err.toString()).startsWith("Cannot ").contains(notAModel.toString()).hasLineCount(1)
        .doesNotContain("\tat ");
  }

  @Test
  void anUnknownKey() throws IOException {
    Path input = write("ok3.jsonl", pair("a"));
    int code = score("unknown key", input.toString(), output("key"), "--set", "batch.max-token=100");
    assertThat(code).isEqualTo(ExitCodes.CONFIG_ERROR);
    assertThat(err.toString()).startsWith("Cannot ").contains("batch.max-token", "batch.max-tokens").hasLineCount(1);
  }
}

package dev.endoreward.spark.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.endoreward.batch.TokenBudget;
import dev.endoreward.engine.EngineOptions;
import dev.endoreward.model.DeviceSpec;
import dev.endoreward.reward.RewardOptions;
import dev.endoreward.reward.TerminalValue;
import dev.endoreward.text.OverlongPromptPolicy;
import dev.endoreward.text.TemplateMode;
import dev.endoreward.text.TemplateVariables;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TestScoreConfig {
  private static Map<String, String> required() {
    Map<String, String> values = new HashMap<>();
    values.put("model.path", "/models/stories260K");
    values.put("input.path", "/data/pairs.parquet");
    values.put("output.path", "/data/scored");
    return values;
  }

  private static Map<String, String> requiredWith(String... keyValues) {
    Map<String, String> values = required();
    for (int i = 0; i < keyValues.length; i += 2) {
      values.put(keyValues[i], keyValues[i + 1]);
    }
    return values;
  }

  @Test
  void requiredKeysAloneGiveTheDocumentedDefaults() {
    ScoreConfig config = ScoreConfig.fromMap(required());

    assertThat(config.engine().artefactDir()).isEqualTo("/models/stories260K");
    assertThat(config.engine().device()).isEqualTo(DeviceSpec.AUTO);
    assertThat(config.input().path()).isEqualTo("/data/pairs.parquet");
    assertThat(config.input().format()).isEqualTo(InputFormat.AUTO);
    assertThat(config.input().columns()).isEqualTo(new InputColumns("id", "prompt", "response", null, null, null));
    assertThat(config.input().systemPrompt()).isNull();
    assertThat(config.output()).isEqualTo(new OutputConfig("/data/scored", OutputMode.ERROR_IF_EXISTS, false, true, false));
    assertThat(config.engine().templateMode()).isEqualTo(TemplateMode.AUTO);
    assertThat(config.engine().templateVariables()).isEqualTo(TemplateVariables.NONE);
    assertThat(config.engine().reward()).isEqualTo(new RewardOptions(1.0, 1.0, TerminalValue.ZERO));
    assertThat(config.engine().budget()).isEqualTo(new TokenBudget(16384, 64, true));
    assertThat(config.engine().maxLength()).isZero();
    assertThat(config.engine().overlongPromptPolicy()).isEqualTo(OverlongPromptPolicy.TRUNCATE_LEFT);
    assertThat(config.job()).isEqualTo(new JobConfig(0, 20000, true, 10, 2048, 0));
  }

  @Test
  void everyKeyIsParsedIntoItsField() {
    ScoreConfig config = ScoreConfig.fromMap(requiredWith(
        "model.device", "gpu", "input.format", "jsonl", "input.column.id", "uid",
        "input.column.prompt", "question", "input.column.response", "answer", "input.column.system", "sys",
        "input.column.prompt-id", "qid", "output.mode", "overwrite", "output.resume", "true",
        "output.token-level", "false", "output.prompt-token-ids", "true", "template.mode", "plain",
        "template.variables", "{\"enable_thinking\": false}", "reward.alpha", "0.5", "reward.gamma", "0.9",
        "reward.terminal", "bootstrap", "batch.max-tokens", "4096", "batch.max-rows", "8",
        "batch.sort-by-length", "false", "batch.chunk-rows", "100", "length.max", "512",
        "length.overlong-prompt", "reject", "job.partitions", "12", "job.unit-rows", "500", "job.progress", "false",
        "engine.threads", "3"));

    assertThat(config.engine().device()).isEqualTo(DeviceSpec.GPU);
    assertThat(config.input().format()).isEqualTo(InputFormat.JSONL);
    assertThat(config.input().columns()).isEqualTo(new InputColumns("uid", "question", "answer", null, "sys", "qid"));
    assertThat(config.output()).isEqualTo(new OutputConfig("/data/scored", OutputMode.OVERWRITE, true, false, true));
    assertThat(config.engine().templateMode()).isEqualTo(TemplateMode.PLAIN);
    assertThat(config.engine().templateVariables().values()).containsExactly(Map.entry("enable_thinking", false));
    assertThat(config.engine().reward()).isEqualTo(new RewardOptions(0.5, 0.9, TerminalValue.BOOTSTRAP));
    assertThat(config.engine().budget()).isEqualTo(new TokenBudget(4096, 8, false));
    assertThat(config.engine().maxLength()).isEqualTo(512);
    assertThat(config.engine().overlongPromptPolicy()).isEqualTo(OverlongPromptPolicy.REJECT);
    assertThat(config.job()).isEqualTo(new JobConfig(12, 500, false, 10, 100, 3));
  }

  @Test
  void valuesAreTrimmedAndChoicesIgnoreCase() {
    ScoreConfig config = ScoreConfig.fromMap(requiredWith(
        "output.mode", " Error-If-Exists ", "job.progress", "FALSE\t", "batch.max-rows", " 32", "reward.alpha", "2 "));

    assertThat(config.output().mode()).isEqualTo(OutputMode.ERROR_IF_EXISTS);
    assertThat(config.job().progress()).isFalse();
    assertThat(config.engine().budget().maxRowsPerBatch()).isEqualTo(32);
    assertThat(config.engine().reward().alpha()).isEqualTo(2.0);
  }

  @Test
  void emptyValuesMeanUnset() {
    ScoreConfig config = ScoreConfig.fromMap(requiredWith(
        "input.column.system", "", "input.column.messages", "  ", "batch.max-rows", "", "reward.alpha", ""));

    assertThat(config.input().columns().system()).isNull();
    assertThat(config.input().columns().messagesForm()).isFalse();
    assertThat(config.engine().budget().maxRowsPerBatch()).isEqualTo(64);
    assertThat(config.engine().reward().alpha()).isEqualTo(1.0);
  }

  @Test
  void systemPromptIsKeptExactlyAsWritten() {
    ScoreConfig config = ScoreConfig.fromMap(requiredWith("input.system-prompt", "  Be brief.\n"));

    assertThat(config.input().systemPrompt()).isEqualTo("  Be brief.\n");
  }

  @Test
  void messagesFormDropsTheDefaultPromptAndResponseColumns() {
    ScoreConfig config = ScoreConfig.fromMap(requiredWith(
        "input.column.messages", "conversation", "input.column.prompt", "prompt", "input.system-prompt", "Hi"));

    InputColumns columns = config.input().columns();
    assertThat(columns.messagesForm()).isTrue();
    assertThat(columns).isEqualTo(new InputColumns("id", null, null, "conversation", null, null));
    assertThat(config.asMap()).containsEntry("input.column.prompt", "").containsEntry("input.column.response", "");
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = '|', value = {
      "model.device          | tpu           | use auto, cpu, gpu or gpu:<index>",
      "model.device          | gpu:-1        | use auto, cpu, gpu or gpu:<index>",
      "input.format          | csv           | use one of auto, parquet, jsonl",
      "output.mode           | replace       | use one of error-if-exists, overwrite, append",
      "output.token-level    | yes           | use true or false",
      "output.prompt-token-ids | 1           | use true or false",
      "template.mode         | chatml        | use one of auto, chat, plain",
      "reward.alpha          | 0             | finite and greater than 0",
      "reward.alpha          | -1.5          | finite and greater than 0",
      "reward.alpha          | 1e999         | finite and greater than 0",
      "reward.alpha          | NaN           | expected a decimal number",
      "reward.alpha          | Infinity      | expected a decimal number",
      "reward.alpha          | 1.0f          | expected a decimal number",
      "reward.alpha          | one           | expected a decimal number",
      "reward.gamma          | 1.01          | it must be in [0, 1]",
      "reward.gamma          | -0.1          | it must be in [0, 1]",
      "reward.terminal       | one           | use one of zero, bootstrap",
      "batch.max-tokens      | 0             | it must be at least 1",
      "batch.max-tokens      | 16k           | expected a whole number",
      "batch.max-tokens      | 3000000000    | expected a whole number",
      "batch.max-rows        | -2            | it must be at least 1",
      "batch.max-rows        | 8.0           | expected a whole number",
      "batch.sort-by-length  | on            | use true or false",
      "batch.chunk-rows      | 0             | it must be at least 1",
      "length.max            | -1            | it must be 0 (the model's maximum) or more",
      "length.overlong-prompt| truncate      | use one of truncate-left, reject",
      "job.partitions        | -3            | it must be 0 (one unit per job.unit-rows rows) or more",
      "job.partitions        | many          | expected a whole number",
      "job.unit-rows         | 0             | it must be at least 1",
      "output.resume         | yes           | use true or false",
      "job.progress          | maybe         | use true or false",
      "engine.threads        | -1            | it must be 0 (cores divided by concurrent tasks) or more",
      "model.path            | s3a://m/qwen  | it must be a local folder at the same path on every executor",
  })
  void badValuesFailNamingKeyAndValue(String key, String value, String why) {
    assertThatThrownBy(() -> ScoreConfig.fromMap(requiredWith(key, value)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Cannot set " + key + " to '")
        .hasMessageContaining(value)
        .hasMessageContaining(why);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      "{\"enable_thinking\": false           | not valid JSON (Unexpected end-of-input",
      "{\"a\": 1} {\"b\": 2}                   | not valid JSON (",
      "[\"enable_thinking\"]                  | expected a JSON object such as {\"enable_thinking\": false}",
      "{\"messages\": []}                      | 'messages' is set by the renderer itself (reserved: add_generation_prompt,"
          + " bos_token, documents, eos_token, messages, pad_token, raise_exception, strftime_now, tools, unk_token)",
      "{\"bos_token\": \"<s>\"}                | 'bos_token' is set by the renderer itself",
      "{\"enable thinking\": false}           | 'enable thinking' is not a template variable name",
  })
  void badTemplateVariablesFailOnTheDriver(String value, String why) {
    assertThatThrownBy(() -> ScoreConfig.fromMap(requiredWith("template.variables", value)))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("Cannot set template.variables to '" + value + "': " + why);
  }

  @Test
  void templateVariablesKeepTheirJsonValues() {
    ScoreConfig config = ScoreConfig.fromMap(requiredWith("template.variables",
        " {\"enable_thinking\": false, \"n\": 2, \"x\": 1.5, \"names\": [\"a\", null], \"d\": {\"k\": \"v\"}} "));

    Map<String, Object> values = config.engine().templateVariables().values();

    assertThat(values).containsOnlyKeys("enable_thinking", "n", "x", "names", "d");
    assertThat(values.get("enable_thinking")).isEqualTo(false);
    assertThat(values.get("n")).isEqualTo(2);
    assertThat(values.get("x")).isEqualTo(1.5);
    assertThat(values.get("names")).isEqualTo(java.util.Arrays.asList("a", null));
    assertThat(values.get("d")).isEqualTo(Map.of("k", "v"));
    assertThat(config.asMap()).containsEntry("template.variables",
        "{\"enable_thinking\":false,\"n\":2,\"x\":1.5,\"names\":[\"a\",null],\"d\":{\"k\":\"v\"}}");
    assertThatThrownBy(() -> values.put("y", 1)).isInstanceOf(UnsupportedOperationException.class);
  }

  @ParameterizedTest
  @CsvSource({"model.path, --model", "input.path, --input", "output.path, --output"})
  void missingRequiredKeyFailsNamingKeyAndFlag(String key, String flag) {
    Map<String, String> values = required();
    values.remove(key);

    assertThatThrownBy(() -> ScoreConfig.fromMap(values))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot score without " + key + ": pass " + flag + " " + (key.equals("input.path") ? "<path>"
            : "<dir>") + " or set " + key);
  }

  @Test
  void blankRequiredKeyCountsAsMissing() {
    assertThatThrownBy(() -> ScoreConfig.fromMap(requiredWith("output.path", "  ")))
        .hasMessageStartingWith("Cannot score without output.path");
  }

  @Test
  void unknownKeyFailsWithASuggestion() {
    assertThatThrownBy(() -> ScoreConfig.fromMap(requiredWith("batch.max-token", "100")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Cannot use unknown key 'batch.max-token': did you mean batch.max-tokens?");
  }

  @Test
  void unknownKeyFarFromAnyKnownOneFailsWithoutASuggestion() {
    assertThatThrownBy(() -> ScoreConfig.fromMap(requiredWith("colour", "blue")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot use unknown key 'colour': conf/score.properties lists every key");
  }

  @Test
  void sparkKeyIsRejectedWithAPointerToSpark() {
    assertThatThrownBy(() -> ScoreConfig.fromMap(requiredWith("spark.executor.memory", "8g")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Cannot use unknown key 'spark.executor.memory': Spark settings go to spark-submit");
  }

  @Test
  void tokenBudgetIsComparedWithTheLongestSequenceOnlyOnceTheModelIsKnown() {
    // length.max 0 means the model's maximum, which only the manifest tells: the engine checks it there.
    ScoreConfig config = ScoreConfig.fromMap(requiredWith("length.max", "0", "batch.max-tokens", "16"));

    assertThat(config.engine().budget().maxTokensPerBatch()).isEqualTo(16);
    assertThatThrownBy(() -> config.engine().maxLengthOn(128))
        .hasMessageStartingWith("Cannot fit a sequence of up to 128 tokens in a forward pass of 16 tokens");
  }

  @Test
  void chunkMustHoldAWholeBatch() {
    assertThatThrownBy(() -> ScoreConfig.fromMap(requiredWith("batch.chunk-rows", "32", "batch.max-rows", "64")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Cannot set batch.chunk-rows to '32': it must be at least batch.max-rows (64)");
  }

  @Test
  void systemPromptAndSystemColumnCannotBeCombined() {
    assertThatThrownBy(() -> ScoreConfig.fromMap(
        requiredWith("input.system-prompt", "Be brief.", "input.column.system", "sys")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Cannot set input.system-prompt together with input.column.system 'sys'");
  }

  @ParameterizedTest
  @CsvSource({"input.column.prompt, question", "input.column.response, answer"})
  void messagesFormRejectsANamedPromptOrResponseColumn(String key, String column) {
    assertThatThrownBy(() -> ScoreConfig.fromMap(requiredWith("input.column.messages", "conversation", key, column)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Cannot set " + key + " to '" + column + "' together with input.column.messages");
  }

  @Test
  void promptResponseFormNeedsBothColumns() {
    assertThatThrownBy(() -> ScoreConfig.fromMap(requiredWith("input.column.response", "")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Cannot score the prompt/response form without input.column.response");
  }

  @Test
  void idColumnMustBeNamed() {
    assertThatThrownBy(() -> ScoreConfig.fromMap(requiredWith("input.column.id", "")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Cannot set input.column.id to ''");
  }

  @Test
  void oneColumnCannotPlayTwoRoles() {
    assertThatThrownBy(() -> ScoreConfig.fromMap(requiredWith("input.column.prompt-id", "prompt")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot set input.column.prompt-id to 'prompt': input.column.prompt already names that column");
  }

  @Test
  void asMapListsEveryKeyCanonicallyAndParsesBackToTheSameConfig() {
    ScoreConfig config = ScoreConfig.fromMap(requiredWith(
        "reward.alpha", "2", "reward.gamma", ".5", "output.mode", "APPEND", "job.progress", "False",
        "batch.max-rows", "007", "input.column.messages", "chat", "template.variables", "{ \"enable_thinking\" : true }"));

    Map<String, String> canonical = config.asMap();

    assertThat(canonical.keySet()).containsExactlyInAnyOrderElementsOf(ScoreKeys.names());
    assertThat(List.copyOf(canonical.keySet())).isSorted();
    assertThat(canonical)
        .containsEntry("reward.alpha", "2.0")
        .containsEntry("reward.gamma", "0.5")
        .containsEntry("output.mode", "append")
        .containsEntry("job.progress", "false")
        .containsEntry("batch.max-rows", "7")
        .containsEntry("input.column.messages", "chat")
        .containsEntry("input.column.system", "")
        .containsEntry("template.variables", "{\"enable_thinking\":true}")
        .containsEntry("length.overlong-prompt", "truncate-left");
    assertThat(ScoreConfig.fromMap(canonical)).isEqualTo(config);
  }

  @Test
  void fingerprintIsTheSha256OfTheCanonicalLines() {
    // Reference: Python's hashlib.sha256 over the documented canonical text (sorted "key=value\n" lines,
    // with \ -> \\, LF -> \n, CR -> \r), written out by hand for this configuration.
    Map<String, String> values = new LinkedHashMap<>();
    values.put("model.path", "/models/stories260K");
    values.put("input.path", "s3a://bucket/pairs/*.parquet");
    values.put("output.path", "/tmp/out");
    values.put("input.system-prompt", "Be brief.\nPaths look like C:\\temp\r");
    values.put("reward.alpha", "0.5");

    assertThat(ScoreConfig.fromMap(values).fingerprint())
        .isEqualTo("8f4517ff42d6522d2640d4342d7aac0c36a60d1060616c816dee2e33d218b3b3");
  }

  @Test
  void fingerprintIgnoresSpellingAndTracksEveryValue() {
    ScoreConfig plain = ScoreConfig.fromMap(requiredWith("reward.alpha", "0.5", "output.mode", "overwrite"));
    ScoreConfig spelledDifferently = ScoreConfig.fromMap(
        requiredWith("reward.alpha", " 5e-1", "output.mode", "OVERWRITE", "batch.max-rows", "64"));

    assertThat(spelledDifferently.fingerprint()).isEqualTo(plain.fingerprint());
    for (String key : List.of("reward.gamma", "batch.max-tokens", "length.max", "job.partitions", "engine.threads",
        "template.variables")) {
      ScoreConfig changed = ScoreConfig.fromMap(requiredWith("reward.alpha", "0.5", "output.mode", "overwrite",
          key, key.equals("reward.gamma") ? "0.25" : key.equals("template.variables") ? "{\"a\": 1}" : "1"));
      assertThat(changed.fingerprint()).as(key).isNotEqualTo(plain.fingerprint());
    }
  }

  @Test
  void engineOptionsCarryTheEngineSettings() {
    ScoreConfig config = ScoreConfig.fromMap(requiredWith(
        "template.mode", "chat", "reward.alpha", "0.5", "reward.gamma", "0.75", "reward.terminal", "bootstrap",
        "batch.max-tokens", "8192", "batch.max-rows", "16", "batch.sort-by-length", "false",
        "length.max", "1024", "length.overlong-prompt", "reject", "template.variables", "{\"enable_thinking\": false}"));

    EngineOptions options = config.engineOptionsFor(List.of("1"));

    assertThat(options).isEqualTo(new EngineOptions("/models/stories260K", DeviceSpec.gpu(1),
        TemplateMode.CHAT, new RewardOptions(0.5, 0.75, TerminalValue.BOOTSTRAP),
        new TokenBudget(8192, 16, false), 1024, OverlongPromptPolicy.REJECT,
        TemplateVariables.parse("{\"enable_thinking\":false}")));
  }

  @ParameterizedTest(name = "{0} with GPUs [{1}] runs on {2}")
  @CsvSource({
      "auto,   '',  cpu", "auto,   3;5, gpu:3",
      "cpu,    '',  cpu", "cpu,    0,   cpu",
      "gpu,    '',  gpu:0", "gpu,  1,   gpu:1",
      "gpu:2,  '',  gpu:2", "gpu:2, 0,   gpu:2"})
  void eachTaskRunsOnTheDeviceModelDeviceResolvesTo(String device, String assigned, String expected) {
    ScoreConfig config = ScoreConfig.fromMap(requiredWith("model.device", device));
    List<String> gpus = assigned.isEmpty() ? List.of() : List.of(assigned.split(";"));

    assertThat(config.engineOptionsFor(gpus).device().toString()).isEqualTo(expected);
    assertThat(config.asMap()).containsEntry("model.device", device);
  }

  @Test
  void aGpuAddressThatIsNoIndexIsRefused() {
    ScoreConfig config = ScoreConfig.fromMap(required());

    assertThatThrownBy(() -> config.engineOptionsFor(List.of("GPU-8d3f")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Cannot use GPU address 'GPU-8d3f'");
  }

  @Test
  void forLibraryNeedsNoInputOrOutputPath() {
    ScoreConfig config = ScoreConfig.forLibrary(Map.of("model.path", "/models/m"));

    assertThat(config.engineOptions()).isEqualTo(new EngineOptions("/models/m", DeviceSpec.CPU, TemplateMode.AUTO,
        new RewardOptions(1, 1, TerminalValue.ZERO), new TokenBudget(16384, 64, true), 0,
        OverlongPromptPolicy.TRUNCATE_LEFT, TemplateVariables.NONE));
  }

  @Test
  void intraOpThreadsShareTheCoresUnlessSet() {
    ScoreConfig automatic = ScoreConfig.fromMap(required());
    ScoreConfig fixed = ScoreConfig.fromMap(requiredWith("engine.threads", "6"));

    assertThat(automatic.job().intraOpThreads(16, 4)).isEqualTo(4);
    assertThat(automatic.job().intraOpThreads(2, 8)).isEqualTo(1);
    assertThat(automatic.job().intraOpThreads(8, 0)).isEqualTo(8);
    assertThat(fixed.job().intraOpThreads(16, 4)).isEqualTo(6);
  }

  @Test
  void survivesJavaSerialization() throws Exception {
    ScoreConfig config =
        ScoreConfig.fromMap(requiredWith("input.column.messages", "chat", "input.system-prompt", "Hi",
            "template.variables", "{\"enable_thinking\": false, \"tags\": [\"a\"]}"));

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(config);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      assertThat(in.readObject()).isEqualTo(config);
    }
  }
}

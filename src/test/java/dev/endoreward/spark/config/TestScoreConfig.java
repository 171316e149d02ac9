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

    assertThat(config.model()).isEqualTo(new ModelConfig("/models/stories260K", ModelDevice.AUTO));
    assertThat(config.input().path()).isEqualTo("/data/pairs.parquet");
    assertThat(config.input().format()).isEqualTo(InputFormat.AUTO);
    assertThat(config.input().columns()).isEqualTo(new InputColumns("id", "prompt", "response", null, null, null));
    assertThat(config.input().systemPrompt()).isNull();
    assertThat(config.output()).isEqualTo(new OutputConfig("/data/scored", OutputMode.ERROR_IF_EXISTS, true, false));
    assertThat(config.template()).isEqualTo(TemplateChoice.AUTO);
    assertThat(config.reward()).isEqualTo(new RewardConfig(1.0, 1.0, TerminalValue.ZERO));
    assertThat(config.batch()).isEqualTo(new BatchConfig(16384, 64, true, 2048));
    assertThat(config.length()).isEqualTo(new LengthConfig(0, OverlongPromptPolicy.TRUNCATE_LEFT));
    assertThat(config.job()).isEqualTo(new JobConfig(0, true));
    assertThat(config.engineThreads()).isZero();
  }

  @Test
  void everyKeyIsParsedIntoItsField() {
    ScoreConfig config = ScoreConfig.fromMap(requiredWith(
        "model.device", "gpu", "input.format", "jsonl", "input.column.id", "uid",
        "input.column.prompt", "question", "input.column.response", "answer", "input.column.system", "sys",
        "input.column.prompt-id", "qid", "output.mode", "overwrite", "output.token-level", "false",
        "output.prompt-token-ids", "true", "template.mode", "plain", "reward.alpha", "0.5", "reward.gamma", "0.9",
        "reward.terminal", "bootstrap", "batch.max-tokens", "4096", "batch.max-rows", "8",
        "batch.sort-by-length", "false", "batch.chunk-rows", "100", "length.max", "512",
        "length.overlong-prompt", "reject", "job.partitions", "12", "job.progress", "false", "engine.threads", "3"));

    assertThat(config.model().device()).isEqualTo(ModelDevice.GPU);
    assertThat(config.input().format()).isEqualTo(InputFormat.JSONL);
    assertThat(config.input().columns()).isEqualTo(new InputColumns("uid", "question", "answer", null, "sys", "qid"));
    assertThat(config.output()).isEqualTo(new OutputConfig("/data/scored", OutputMode.OVERWRITE, false, true));
    assertThat(config.template()).isEqualTo(TemplateChoice.PLAIN);
    assertThat(config.reward()).isEqualTo(new RewardConfig(0.5, 0.9, TerminalValue.BOOTSTRAP));
    assertThat(config.batch()).isEqualTo(new BatchConfig(4096, 8, false, 100));
    assertThat(config.length()).isEqualTo(new LengthConfig(512, OverlongPromptPolicy.REJECT));
    assertThat(config.job()).isEqualTo(new JobConfig(12, false));
    assertThat(config.engineThreads()).isEqualTo(3);
  }

  @Test
  void valuesAreTrimmedAndChoicesIgnoreCase() {
    ScoreConfig config = ScoreConfig.fromMap(requiredWith(
        "output.mode", " Error-If-Exists ", "job.progress", "FALSE\t", "batch.max-rows", " 32", "reward.alpha", "2 "));

    assertThat(config.output().mode()).isEqualTo(OutputMode.ERROR_IF_EXISTS);
    assertThat(config.job().progress()).isFalse();
    assertThat(config.batch().maxRows()).isEqualTo(32);
    assertThat(config.reward().alpha()).isEqualTo(2.0);
  }

  @Test
  void emptyValuesMeanUnset() {
    ScoreConfig config = ScoreConfig.fromMap(requiredWith(
        "input.column.system", "", "input.column.messages", "  ", "batch.max-rows", "", "reward.alpha", ""));

    assertThat(config.input().columns().system()).isNull();
    assertThat(config.input().columns().messagesForm()).isFalse();
    assertThat(config.batch().maxRows()).isEqualTo(64);
    assertThat(config.reward().alpha()).isEqualTo(1.0);
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
      "model.device          | gpu:1         | use one of auto, cpu, gpu",
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
      "job.partitions        | -3            | it must be 0 (keep the input's partitioning) or more",
      "job.partitions        | many          | expected a whole number",
      "job.progress          | maybe         | use true or false",
      "engine.threads        | -1            | it must be 0 (cores divided by concurrent tasks) or more",
      "model.path            | s3a://m/qwen  | the model must be a local folder",
  })
  void badValuesFailNamingKeyAndValue(String key, String value, String why) {
    assertThatThrownBy(() -> ScoreConfig.fromMap(requiredWith(key, value)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Cannot set " + key + " to '")
        .hasMessageContaining(value.equals("1e999") ? "Infinity" : value)
        .hasMessageContaining(why);
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
  void tokenBudgetMustHoldTheLongestSequence() {
    assertThatThrownBy(() -> ScoreConfig.fromMap(requiredWith("length.max", "4096", "batch.max-tokens", "2048")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Cannot set batch.max-tokens to '2048': it must be at least length.max (4096)");
    assertThat(ScoreConfig.fromMap(requiredWith("length.max", "4096", "batch.max-tokens", "4096")).length().max())
        .isEqualTo(4096);
    assertThat(ScoreConfig.fromMap(requiredWith("length.max", "0", "batch.max-tokens", "16")).batch().maxTokens())
        .isEqualTo(16);
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
        "batch.max-rows", "007", "input.column.messages", "chat"));

    Map<String, String> canonical = config.asMap();

    assertThat(canonical.keySet()).containsExactlyInAnyOrderElementsOf(ScoreKeys.ALL);
    assertThat(List.copyOf(canonical.keySet())).isSorted();
    assertThat(canonical)
        .containsEntry("reward.alpha", "2.0")
        .containsEntry("reward.gamma", "0.5")
        .containsEntry("output.mode", "append")
        .containsEntry("job.progress", "false")
        .containsEntry("batch.max-rows", "7")
        .containsEntry("input.column.messages", "chat")
        .containsEntry("input.column.system", "")
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
        .isEqualTo("a015c2457f0a2f9a792d24d58e120c00c326818aafeb2d360fac1708620fc198");
  }

  @Test
  void fingerprintIgnoresSpellingAndTracksEveryValue() {
    ScoreConfig plain = ScoreConfig.fromMap(requiredWith("reward.alpha", "0.5", "output.mode", "overwrite"));
    ScoreConfig spelledDifferently = ScoreConfig.fromMap(
        requiredWith("reward.alpha", " 5e-1", "output.mode", "OVERWRITE", "batch.max-rows", "64"));

    assertThat(spelledDifferently.fingerprint()).isEqualTo(plain.fingerprint());
    for (String key : List.of("reward.gamma", "batch.max-tokens", "length.max", "job.partitions", "engine.threads")) {
      ScoreConfig changed = ScoreConfig.fromMap(requiredWith("reward.alpha", "0.5", "output.mode", "overwrite",
          key, key.equals("reward.gamma") ? "0.25" : "1"));
      assertThat(changed.fingerprint()).as(key).isNotEqualTo(plain.fingerprint());
    }
  }

  @Test
  void engineOptionsCarryTheEngineSettings() {
    ScoreConfig config = ScoreConfig.fromMap(requiredWith(
        "template.mode", "chat", "reward.alpha", "0.5", "reward.gamma", "0.75", "reward.terminal", "bootstrap",
        "batch.max-tokens", "8192", "batch.max-rows", "16", "batch.sort-by-length", "false",
        "length.max", "1024", "length.overlong-prompt", "reject"));

    EngineOptions options = config.toEngineOptions(DeviceSpec.gpu(1));

    assertThat(options).isEqualTo(new EngineOptions("/models/stories260K", DeviceSpec.gpu(1),
        TemplateMode.CHAT_TEMPLATE, new RewardOptions(0.5, 0.75, TerminalValue.BOOTSTRAP),
        new TokenBudget(8192, 16, false), 1024, OverlongPromptPolicy.REJECT));
  }

  @Test
  void templateChoicesMapToTheEngineModes() {
    assertThat(ScoreConfig.fromMap(requiredWith("template.mode", "auto")).toEngineOptions(DeviceSpec.CPU)
        .templateMode()).isNull();
    assertThat(ScoreConfig.fromMap(requiredWith("template.mode", "plain")).toEngineOptions(DeviceSpec.CPU)
        .templateMode()).isEqualTo(TemplateMode.PLAIN);
  }

  @Test
  void cpuConfigurationRefusesAGpuDevice() {
    ScoreConfig cpu = ScoreConfig.fromMap(requiredWith("model.device", "cpu"));
    ScoreConfig gpu = ScoreConfig.fromMap(requiredWith("model.device", "gpu"));
    ScoreConfig auto = ScoreConfig.fromMap(required());

    assertThatThrownBy(() -> cpu.toEngineOptions(DeviceSpec.gpu(0)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot run the model on gpu:0: model.device is cpu");
    assertThat(gpu.toEngineOptions(DeviceSpec.CPU).device()).isEqualTo(DeviceSpec.CPU);
    assertThat(auto.toEngineOptions(DeviceSpec.CPU).device()).isEqualTo(DeviceSpec.CPU);
    assertThat(auto.toEngineOptions(DeviceSpec.gpu(2)).device()).isEqualTo(DeviceSpec.gpu(2));
  }

  @Test
  void deviceResolvesFromTheTasksGpus() {
    assertThat(ModelDevice.AUTO.resolve(List.of("3", "5"))).isEqualTo(DeviceSpec.gpu(3));
    assertThat(ModelDevice.AUTO.resolve(List.of())).isEqualTo(DeviceSpec.CPU);
    assertThat(ModelDevice.CPU.resolve(List.of("0"))).isEqualTo(DeviceSpec.CPU);
    assertThat(ModelDevice.GPU.resolve(List.of("1"))).isEqualTo(DeviceSpec.gpu(1));
    assertThat(ModelDevice.GPU.resolve(List.of())).isEqualTo(DeviceSpec.gpu(0));
    assertThatThrownBy(() -> ModelDevice.AUTO.resolve(List.of("GPU-8d3f")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Cannot use GPU address 'GPU-8d3f'");
  }

  @Test
  void intraOpThreadsShareTheCoresUnlessSet() {
    ScoreConfig automatic = ScoreConfig.fromMap(required());
    ScoreConfig fixed = ScoreConfig.fromMap(requiredWith("engine.threads", "6"));

    assertThat(automatic.intraOpThreads(16, 4)).isEqualTo(4);
    assertThat(automatic.intraOpThreads(2, 8)).isEqualTo(1);
    assertThat(automatic.intraOpThreads(8, 0)).isEqualTo(8);
    assertThat(fixed.intraOpThreads(16, 4)).isEqualTo(6);
  }

  @Test
  void survivesJavaSerialization() throws Exception {
    ScoreConfig config =
        ScoreConfig.fromMap(requiredWith("input.column.messages", "chat", "input.system-prompt", "Hi"));

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(config);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      assertThat(in.readObject()).isEqualTo(config);
    }
  }
}

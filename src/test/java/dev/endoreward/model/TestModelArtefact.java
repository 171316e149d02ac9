package dev.endoreward.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.endoreward.testing.SharedFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestModelArtefact {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path temp;

  private Path copyOfStories() {
    return SharedFixtures.copyOfStoriesArtefact(temp.resolve("stories"));
  }

  @Test
  void opensAValidExport() {
    ModelArtefact artefact = ModelArtefact.open(SharedFixtures.storiesArtefact());
    assertThat(artefact.manifest().vocabSize()).isEqualTo(512);
    assertThat(artefact.manifest().maxLength()).isEqualTo(512);
    assertThat(artefact.modelSha256()).hasSize(64);
    assertThat(artefact.manifest().outputs()).isEqualTo(ArtefactManifest.REQUIRED_OUTPUTS);
    assertThat(artefact.manifest().hasGreedy()).isTrue();
  }

  @Test
  void rejectsGreedyOutputsItCannotRead() throws IOException {
    Path dir = copyOfStories();
    ObjectNode manifest = (ObjectNode) JSON.readTree(dir.resolve("manifest.json").toFile());
    manifest.putArray("greedy_outputs").add("argmax").add("max_logit");
    JSON.writeValue(dir.resolve("manifest.json").toFile(), manifest);
    assertThatThrownBy(() -> ModelArtefact.open(dir))
        .hasMessageContaining("manifest greedy_outputs [argmax, max_logit] must be [max_logit, argmax]");
  }

  @Test
  void rejectsAChangedModelFile() throws IOException {
    Path dir = copyOfStories();
    Files.write(dir.resolve("model.pt"), new byte[] {1}, StandardOpenOption.APPEND);
    assertThatThrownBy(() -> ModelArtefact.open(dir))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Cannot load model " + dir)
        .hasMessageContaining("model.pt is corrupt or was changed");
  }

  @Test
  void rejectsAMissingFile() throws IOException {
    Path dir = copyOfStories();
    Files.delete(dir.resolve("tokenizer.json"));
    assertThatThrownBy(() -> ModelArtefact.open(dir)).hasMessageContaining("tokenizer.json is missing");
  }

  @Test
  void rejectsAMissingManifest() throws IOException {
    Path dir = copyOfStories();
    Files.delete(dir.resolve("manifest.json"));
    assertThatThrownBy(() -> ModelArtefact.open(dir)).hasMessageContaining("manifest.json is missing");
  }

  @Test
  void rejectsAFolderThatDoesNotExist() {
    assertThatThrownBy(() -> ModelArtefact.open(temp.resolve("nowhere")))
        .hasMessageStartingWith("Cannot load model").hasMessageContaining("not a directory");
  }

  @Test
  void rejectsATokenizerLargerThanTheModelVocabulary() throws IOException {
    Path dir = copyOfStories();
    ObjectNode manifest = (ObjectNode) JSON.readTree(dir.resolve("manifest.json").toFile());
    manifest.put("vocab_size", 300);
    JSON.writeValue(dir.resolve("manifest.json").toFile(), manifest);
    SharedFixtures.foldSelfTestIds(dir, 300);
    ModelArtefact artefact = ModelArtefact.open(dir);

    artefact.checkCovers(300);
    assertThatThrownBy(() -> artefact.checkCovers(512))
        .hasMessage("Cannot load model " + dir.toAbsolutePath().normalize()
            + ": the tokenizer has ids up to 511 but the model's vocab_size is 300");
  }

  @Test
  void rejectsAnUnknownFormatVersion() throws IOException {
    Path dir = copyOfStories();
    ObjectNode manifest = (ObjectNode) JSON.readTree(dir.resolve("manifest.json").toFile());
    manifest.put("format_version", 99);
    JSON.writeValue(dir.resolve("manifest.json").toFile(), manifest);
    assertThatThrownBy(() -> ModelArtefact.open(dir)).hasMessageContaining("format_version 99 is not supported");
  }

  @Test
  void aGpuTheEngineCannotSeeIsAnErrorNotAFallback() {
    ModelArtefact artefact = ModelArtefact.open(SharedFixtures.storiesArtefact());
    assertThatThrownBy(() -> TorchRewardHead.load(artefact, DeviceSpec.gpu(7)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("Cannot use device gpu:7")
        .hasMessageContaining("PYTORCH_LIBRARY_PATH");
  }

  @Test
  void parsesDevices() {
    assertThat(DeviceSpec.parse("auto")).isEqualTo(DeviceSpec.AUTO);
    assertThat(DeviceSpec.parse("cpu")).isEqualTo(DeviceSpec.CPU);
    assertThat(DeviceSpec.parse("gpu")).isEqualTo(DeviceSpec.GPU);
    assertThat(DeviceSpec.parse(" GPU:3").gpuIndex()).isEqualTo(3);
    assertThat(DeviceSpec.GPU.isConcrete()).isFalse();
    assertThat(DeviceSpec.gpu(3).isConcrete()).isTrue();
    assertThatThrownBy(() -> DeviceSpec.parse("tpu")).hasMessageStartingWith("Cannot parse device 'tpu'");
    assertThatThrownBy(() -> DeviceSpec.parse("gpu:x")).hasMessageStartingWith("Cannot parse device");
  }

  @Test
  void rejectsAModuleThatIsNoTorchScriptArchiveEvenWhenRehashed() throws IOException {
    Path dir = copyOfStories();
    Files.write(dir.resolve("model.pt"), new byte[] {'n', 'o', 't', ' ', 'a', ' ', 'z', 'i', 'p'});
    SharedFixtures.rehash(dir, "model.pt");

    assertThatThrownBy(() -> ModelArtefact.open(dir))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Cannot load model " + dir + ": model.pt is not a TorchScript archive");
  }

  @Test
  void rejectsAnArtefactWithoutItsSelfTest() throws IOException {
    Path dir = copyOfStories();
    ObjectNode manifest = (ObjectNode) JSON.readTree(dir.resolve("manifest.json").toFile());
    ((ObjectNode) manifest.get("files")).remove("selftest.json");
    JSON.writeValue(dir.resolve("manifest.json").toFile(), manifest);

    assertThatThrownBy(() -> ModelArtefact.open(dir)).hasMessageContaining("manifest does not list selftest.json");
  }

  @Test
  void aModuleWhoseOutputsDifferFromTheExportersFailsToLoad() {
    Path dir = copyOfStories();
    SharedFixtures.skewSelfTest(dir);
    ModelArtefact artefact = ModelArtefact.open(dir);

    assertThatThrownBy(() -> TorchRewardHead.load(artefact, DeviceSpec.CPU))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Cannot load model " + dir + ": its outputs on cpu differ from the exporter's by ")
        .hasMessageContaining("libtorch 2.7.1");
  }

  @Test
  void aModuleThatMatchesItsSelfTestLoads() {
    ModelArtefact artefact = ModelArtefact.open(SharedFixtures.storiesArtefact());
    int[][] sequences = artefact.selfTest().inputIds();
    assertThat(sequences.length).isBetween(2, 4);
    assertThat(Arrays.stream(sequences).mapToInt(ids -> ids.length)).contains(1);
    try (TorchRewardHead head = TorchRewardHead.load(artefact, DeviceSpec.CPU)) {
      assertThat(artefact.selfTest().largestDifference(head)).isLessThanOrEqualTo(artefact.selfTest().tolerance());
    }
  }
}

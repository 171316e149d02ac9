package dev.endoreward.model;

import dev.endoreward.Sha256;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipFile;

/**
 * An exported model folder whose manifest, file hashes, TorchScript archive and self-test were checked
 * against each other.
 * Opening it reads and hashes every file, so do it once per process: the driver does it before any
 * executor work, and each executor once, when its engine cache loads the model. Whether the tokenizer's
 * ids fit the model's vocabulary is checked, with {@link #checkCovers}, where the tokenizer is opened.
 */
public final class ModelArtefact {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path directory;
  private final ArtefactManifest manifest;
  private final SelfTest selfTest;

  private ModelArtefact(Path directory, ArtefactManifest manifest, SelfTest selfTest) {
    this.directory = directory;
    this.manifest = manifest;
    this.selfTest = selfTest;
  }

  /**
   * Reads and verifies the artefact in {@code directory}.
   *
   * @throws IllegalArgumentException "Cannot load model &lt;dir&gt;: &lt;why&gt;" when anything is missing,
   *     corrupt or inconsistent
   */
  public static ModelArtefact open(Path directory) {
    Path dir = directory.toAbsolutePath().normalize();
    if (!Files.isDirectory(dir)) {
      throw cannotLoad(dir, "it is not a directory");
    }
    Path manifestFile = dir.resolve(ArtefactManifest.MANIFEST_FILE);
    if (!Files.isRegularFile(manifestFile)) {
      throw cannotLoad(dir, "manifest.json is missing; export the model with jobs/export-model.sh");
    }
    ArtefactManifest manifest;
    try {
      manifest = JSON.readValue(manifestFile.toFile(), ArtefactManifest.class);
    } catch (IOException e) {
      throw cannotLoad(dir, "manifest.json is not valid: " + e.getMessage());
    }
    checkManifest(dir, manifest);
    checkFileHashes(dir, manifest.files());
    checkArchive(dir);
    return new ModelArtefact(dir, manifest, readSelfTest(dir, manifest));
  }

  public Path directory() {
    return directory;
  }

  public ArtefactManifest manifest() {
    return manifest;
  }

  /** The exporter's outputs on a few sequences, for checking a loaded module. */
  public SelfTest selfTest() {
    return selfTest;
  }

  /** The size of the TorchScript module file. */
  public long moduleBytes() {
    try {
      return Files.size(directory.resolve(ArtefactManifest.MODEL_FILE));
    } catch (IOException e) {
      throw cannotLoad(directory, ArtefactManifest.MODEL_FILE + " cannot be read: " + e.getMessage());
    }
  }

  /** sha256 of the TorchScript module, for provenance. */
  public String modelSha256() {
    return manifest.files().get(ArtefactManifest.MODEL_FILE);
  }

  /**
   * Fails unless the model's vocabulary covers every id of a tokenizer: an id at or beyond
   * {@code vocab_size} would index past the logits.
   *
   * @param tokenizerVocabularySize one more than the tokenizer's largest id
   * @throws IllegalArgumentException "Cannot load model ..." otherwise
   */
  public void checkCovers(int tokenizerVocabularySize) {
    if (tokenizerVocabularySize > manifest.vocabSize()) {
      throw cannotLoad(directory, "the tokenizer has ids up to " + (tokenizerVocabularySize - 1)
          + " but the model's vocab_size is " + manifest.vocabSize());
    }
  }

  private static void checkManifest(Path dir, ArtefactManifest m) {
    if (m.formatVersion() != ArtefactManifest.FORMAT_VERSION) {
      throw cannotLoad(dir, "manifest format_version " + m.formatVersion() + " is not supported (expected "
          + ArtefactManifest.FORMAT_VERSION + ")");
    }
    if (m.vocabSize() <= 0 || m.maxLength() <= 1) {
      throw cannotLoad(dir, "manifest vocab_size " + m.vocabSize() + " and max_length " + m.maxLength()
          + " must be positive (max_length at least 2)");
    }
    for (Map.Entry<String, Integer> id : Map.of(
        "bos_token_id", m.bosTokenId(), "eos_token_id", m.eosTokenId(), "pad_token_id", m.padTokenId()).entrySet()) {
      if (id.getValue() < 0 || id.getValue() >= m.vocabSize()) {
        throw cannotLoad(dir, "manifest " + id.getKey() + " " + id.getValue() + " is outside the vocabulary [0, "
            + m.vocabSize() + ")");
      }
    }
    List<String> outputs = m.outputs() == null ? List.of() : m.outputs();
    if (outputs.size() < 2 || !outputs.subList(0, 2).equals(ArtefactManifest.REQUIRED_OUTPUTS)) {
      throw cannotLoad(dir, "manifest outputs " + outputs + " must start with " + ArtefactManifest.REQUIRED_OUTPUTS);
    }
    if (m.hasGreedy() && !m.greedyOutputs().equals(ArtefactManifest.GREEDY_OUTPUTS)) {
      throw cannotLoad(dir, "manifest greedy_outputs " + m.greedyOutputs() + " must be "
          + ArtefactManifest.GREEDY_OUTPUTS);
    }
    if (m.hasScoreFrom() && !m.scoreFromOutputs().equals(outputs.subList(0, 2))) {
      throw cannotLoad(dir, "manifest score_from_outputs " + m.scoreFromOutputs() + " must be "
          + ArtefactManifest.REQUIRED_OUTPUTS);
    }
    if (m.files() == null) {
      throw cannotLoad(dir, "manifest lists no files");
    }
    for (String required : List.of(ArtefactManifest.MODEL_FILE, ArtefactManifest.TOKENIZER_FILE,
        ArtefactManifest.TOKENIZER_CONFIG_FILE, ArtefactManifest.SELF_TEST_FILE)) {
      if (!m.files().containsKey(required)) {
        throw cannotLoad(dir, "manifest does not list " + required);
      }
    }
  }

  private static void checkFileHashes(Path dir, Map<String, String> files) {
    for (Map.Entry<String, String> entry : files.entrySet()) {
      Path file = dir.resolve(entry.getKey()).normalize();
      if (!file.startsWith(dir)) {
        throw cannotLoad(dir, "manifest lists " + entry.getKey() + ", which is outside the folder");
      }
      if (!Files.isRegularFile(file)) {
        throw cannotLoad(dir, entry.getKey() + " is missing");
      }
      String actual;
      try {
        actual = Sha256.of(file);
      } catch (UncheckedIOException e) {
        throw cannotLoad(dir, entry.getKey() + " cannot be read: " + e.getCause().getMessage());
      }
      if (!actual.equalsIgnoreCase(entry.getValue())) {
        throw cannotLoad(dir, entry.getKey() + " is corrupt or was changed: sha256 " + actual
            + " does not match the manifest's " + entry.getValue());
      }
    }
  }

  /**
   * A TorchScript archive is a zip holding the pickled module; checking that costs little, where loading a
   * large model on the driver would not.
   */
  private static void checkArchive(Path dir) {
    try (ZipFile archive = new ZipFile(dir.resolve(ArtefactManifest.MODEL_FILE).toFile())) {
      boolean hasModule = archive.stream().anyMatch(entry -> entry.getName().endsWith("/data.pkl"));
      if (!hasModule) {
        throw cannotLoad(dir, ArtefactManifest.MODEL_FILE + " is not a TorchScript archive: it holds no data.pkl");
      }
    } catch (IOException e) {
      throw cannotLoad(dir, ArtefactManifest.MODEL_FILE + " is not a TorchScript archive: " + e.getMessage());
    }
  }

  private static SelfTest readSelfTest(Path dir, ArtefactManifest manifest) {
    SelfTest selfTest;
    try {
      selfTest = JSON.readValue(dir.resolve(ArtefactManifest.SELF_TEST_FILE).toFile(), SelfTest.class);
    } catch (IOException e) {
      throw cannotLoad(dir, ArtefactManifest.SELF_TEST_FILE + " is not valid: " + e.getMessage());
    }
    String problem = selfTest.problem(manifest.vocabSize(), manifest.maxLength());
    if (problem != null) {
      throw cannotLoad(dir, ArtefactManifest.SELF_TEST_FILE + " cannot be used: " + problem);
    }
    return selfTest;
  }

  static IllegalArgumentException cannotLoad(Path dir, String why) {
    return new IllegalArgumentException("Cannot load model " + dir + ": " + why);
  }
}

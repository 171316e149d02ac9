package dev.endoreward.model;

import dev.endoreward.Sha256;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * An exported model folder whose manifest and file hashes were checked against each other.
 * Opening it reads and hashes every file, so do it once per process: the driver does it before any
 * executor work, and each executor once, when its engine cache loads the model. Whether the tokenizer's
 * ids fit the model's vocabulary is checked, with {@link #checkCovers}, where the tokenizer is opened.
 */
public final class ModelArtefact {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path directory;
  private final ArtefactManifest manifest;

  private ModelArtefact(Path directory, ArtefactManifest manifest) {
    this.directory = directory;
    this.manifest = manifest;
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
    return new ModelArtefact(dir, manifest);
  }

  public Path directory() {
    return directory;
  }

  public ArtefactManifest manifest() {
    return manifest;
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
    if (m.files() == null) {
      throw cannotLoad(dir, "manifest lists no files");
    }
    for (String required : List.of(ArtefactManifest.MODEL_FILE, ArtefactManifest.TOKENIZER_FILE,
        ArtefactManifest.TOKENIZER_CONFIG_FILE)) {
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

  static IllegalArgumentException cannotLoad(Path dir, String why) {
    return new IllegalArgumentException("Cannot load model " + dir + ": " + why);
  }
}

package dev.endoreward.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * An exported model folder whose manifest, file hashes and tokenizer were checked against each other.
 * Opening it reads and hashes every file, so do it once per process (the driver does it before any
 * executor work; executors load through {@link ModelCache}).
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
    checkTokenizerFitsVocabulary(dir, manifest);
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

  /** Whether {@code tokenizer_config.json} holds a chat template. */
  public boolean hasChatTemplate() {
    try {
      JsonNode template = JSON.readTree(directory.resolve(ArtefactManifest.TOKENIZER_CONFIG_FILE).toFile())
          .path("chat_template");
      return template.isTextual() ? !template.asText().isEmpty() : template.isArray() && !template.isEmpty();
    } catch (IOException e) {
      throw cannotLoad(directory, "tokenizer_config.json is not valid JSON: " + e.getMessage());
    }
  }

  /** sha256 of {@code tokenizer.json}, for provenance. */
  public String tokenizerSha256() {
    return manifest.files().get(ArtefactManifest.TOKENIZER_FILE);
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
      String actual = sha256(file);
      if (!actual.equalsIgnoreCase(entry.getValue())) {
        throw cannotLoad(dir, entry.getKey() + " is corrupt or was changed: sha256 " + actual
            + " does not match the manifest's " + entry.getValue());
      }
    }
  }

  /** A tokenizer id at or beyond the model's vocabulary would index past the logits. */
  private static void checkTokenizerFitsVocabulary(Path dir, ArtefactManifest m) {
    JsonNode tokenizer;
    try {
      tokenizer = JSON.readTree(dir.resolve(ArtefactManifest.TOKENIZER_FILE).toFile());
    } catch (IOException e) {
      throw cannotLoad(dir, "tokenizer.json is not valid JSON: " + e.getMessage());
    }
    int maxId = -1;
    JsonNode vocab = tokenizer.path("model").path("vocab");
    if (vocab.isObject()) {
      for (Iterator<JsonNode> ids = vocab.elements(); ids.hasNext(); ) {
        maxId = Math.max(maxId, ids.next().asInt());
      }
    } else if (vocab.isArray()) {
      maxId = vocab.size() - 1; // Unigram: ids are positions
    }
    for (JsonNode added : tokenizer.path("added_tokens")) {
      maxId = Math.max(maxId, added.path("id").asInt());
    }
    if (maxId < 0) {
      throw cannotLoad(dir, "tokenizer.json has no vocabulary");
    }
    if (maxId >= m.vocabSize()) {
      throw cannotLoad(dir, "the tokenizer has ids up to " + maxId + " but the model's vocab_size is "
          + m.vocabSize());
    }
  }

  static String sha256(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (IOException e) {
      throw new IllegalArgumentException("Cannot hash " + file + ": " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  static IllegalArgumentException cannotLoad(Path dir, String why) {
    return new IllegalArgumentException("Cannot load model " + dir + ": " + why);
  }
}

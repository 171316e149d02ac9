package dev.endoreward.engine;

import dev.endoreward.model.ModelArtefact;
import dev.endoreward.text.PairEncoder;
import dev.endoreward.text.TemplateMode;
import java.nio.file.Path;

/**
 * What an engine scores with, once its artefact, tokenizer and options were checked against each other.
 *
 * @param modelPath the artefact folder, absolute
 * @param modelSha256 sha256 of the TorchScript module
 * @param tokenizerSha256 sha256 of {@code tokenizer.json}
 * @param templateMode {@link TemplateMode#CHAT} or {@link TemplateMode#PLAIN}, never AUTO
 * @param templateSha256 sha256 of the chat template text, or of "plain"
 */
public record ModelDescription(Path modelPath, String modelSha256, String tokenizerSha256,
    TemplateMode templateMode, String templateSha256) {

  static ModelDescription of(ModelArtefact artefact, PairEncoder encoder) {
    return new ModelDescription(artefact.directory(), artefact.modelSha256(), encoder.tokenizerSha256(),
        encoder.mode(), encoder.templateSha256());
  }
}

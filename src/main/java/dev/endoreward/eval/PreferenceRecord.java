package dev.endoreward.eval;

import java.util.List;
import java.util.stream.Stream;

/**
 * One record of preference data: responses a judge preferred and responses it did not, each a whole
 * conversation whose last turn is the assistant response that is scored.
 *
 * @param id the record's id, unique within the data: {@code <file>/<id in the file>}
 * @param file the name of the file it came from
 * @param subset the subset (RewardBench's {@code subset}, RM-Bench's domain, else the file's name)
 * @param chosen the preferred responses (one, or RM-Bench's three)
 * @param rejected the other responses, as many
 */
public record PreferenceRecord(String id, String file, String subset, List<List<Turn>> chosen,
    List<List<Turn>> rejected) {
  public PreferenceRecord {
    chosen = List.copyOf(chosen);
    rejected = List.copyOf(rejected);
  }

  /** A record of one chosen and one rejected response to the same prompt. */
  static PreferenceRecord single(String id, String file, String subset, List<Turn> prompt, String chosen,
      String rejected) {
    return new PreferenceRecord(id, file, subset, List.of(answer(prompt, chosen)), List.of(answer(prompt, rejected)));
  }

  /** {@code prompt} followed by {@code response}, the assistant's turn. */
  static List<Turn> answer(List<Turn> prompt, String response) {
    return Stream.concat(prompt.stream(), Stream.of(Turn.assistant(response)))
        .toList();
  }
}

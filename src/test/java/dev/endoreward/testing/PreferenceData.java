package dev.endoreward.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/** Real preference pairs from {@code ../shared/preference}, read at test time. */
public final class PreferenceData {
  private static final String ASSISTANT_TURN = "\n\nAssistant:";

  private PreferenceData() {}

  /**
   * One HH-RLHF comparison split into the shared prompt and the two responses.
   *
   * @param prompt the transcript up to and including the last "\n\nAssistant:"
   * @param chosen the preferred continuation
   * @param rejected the other continuation
   */
  public record Comparison(String prompt, String chosen, String rejected) {}

  /** The first {@code count} comparisons of the HH-RLHF harmless test split whose transcripts split cleanly. */
  public static List<Comparison> hhRlhf(int count) {
    ObjectMapper json = new ObjectMapper();
    List<Comparison> comparisons = new ArrayList<>();
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(
        SharedFixtures.sharedDir().resolve("preference/hh-rlhf/harmless-base-test.jsonl.gz"))), StandardCharsets.UTF_8))) {
      for (String line; comparisons.size() < count && (line = lines.readLine()) != null; ) {
        JsonNode row = json.readTree(line);
        String chosen = row.get("chosen").asText();
        String rejected = row.get("rejected").asText();
        int cut = chosen.lastIndexOf(ASSISTANT_TURN) + ASSISTANT_TURN.length();
        if (cut < ASSISTANT_TURN.length() || !rejected.startsWith(chosen.substring(0, cut))) {
          continue;
        }
        String chosenResponse = chosen.substring(cut);
        String rejectedResponse = rejected.substring(cut);
        if (!chosenResponse.isBlank() && !rejectedResponse.isBlank()) {
          comparisons.add(new Comparison(chosen.substring(0, cut), chosenResponse, rejectedResponse));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (comparisons.size() < count) {
      throw new IllegalStateException("Cannot read " + count + " HH-RLHF comparisons: only " + comparisons.size());
    }
    return comparisons;
  }
}

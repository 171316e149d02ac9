package dev.endoreward.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.endoreward.model.TorchRewardHead.GreedyOutput;
import dev.endoreward.reward.RewardHead.HeadOutput;
import dev.endoreward.testing.SharedFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestTorchRewardHead {
  private static TorchRewardHead head;

  @BeforeAll
  static void load() {
    head = TorchRewardHead.load(ModelArtefact.open(SharedFixtures.storiesArtefact()), DeviceSpec.CPU);
  }

  @AfterAll
  static void close() {
    head.close();
  }

  private static int[] randomSequence(Random random, int length) {
    int[] ids = random.ints(length, 3, 512).toArray();
    ids[0] = 1;
    return ids;
  }

  /** A copy of stories260K whose manifest lacks {@code outputsKey}, as an older exporter wrote it. */
  private static Path storiesWithoutMethod(Path temp, String outputsKey) throws IOException {
    Path copy = SharedFixtures.copyOfStoriesArtefact(temp.resolve("without-" + outputsKey));
    ObjectMapper json = new ObjectMapper();
    ObjectNode manifest = (ObjectNode) json.readTree(copy.resolve(ArtefactManifest.MANIFEST_FILE).toFile());
    manifest.remove(outputsKey);
    json.writeValue(copy.resolve(ArtefactManifest.MANIFEST_FILE).toFile(), manifest);
    return copy;
  }

  @Test
  void outputsAreTrimmedToEachRow() {
    Random random = new Random(3);
    List<HeadOutput> outputs = head.forward(List.of(randomSequence(random, 5), randomSequence(random, 17)));
    assertThat(outputs.get(0).nextTokenLogits()).hasSize(5);
    assertThat(outputs.get(1).logSumExps()).hasSize(17);
    // the last position has no next token
    assertThat(outputs.get(0).nextTokenLogits()[4]).isZero();
    // logsumexp bounds every logit from above
    for (int t = 0; t < 4; t++) {
      assertThat(outputs.get(0).nextTokenLogits()[t]).isLessThan(outputs.get(0).logSumExps()[t]);
    }
  }

  @Test
  void aRowDoesNotDependOnPaddingOrBatchMates() {
    Random random = new Random(5);
    int[] shortRow = randomSequence(random, 9);
    HeadOutput alone = head.forward(List.of(shortRow)).get(0);
    HeadOutput batched = head.forward(List.of(randomSequence(random, 200), shortRow, randomSequence(random, 31))).get(1);
    for (int t = 0; t < shortRow.length; t++) {
      assertThat(batched.nextTokenLogits()[t]).isCloseTo(alone.nextTokenLogits()[t], within(1e-5f));
      assertThat(batched.logSumExps()[t]).isCloseTo(alone.logSumExps()[t], within(1e-5f));
    }
  }

  @Test
  void concurrentCallersShareOneModel() throws Exception {
    Random random = new Random(9);
    int[] row = randomSequence(random, 40);
    HeadOutput expected = head.forward(List.of(row)).get(0);
    List<Thread> threads = new java.util.ArrayList<>();
    List<Throwable> failures = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    for (int i = 0; i < 4; i++) {
      Thread thread = new Thread(() -> {
        try {
          for (int n = 0; n < 5; n++) {
            assertThat(head.forward(List.of(row)).get(0).logSumExps()).containsExactly(expected.logSumExps());
          }
        } catch (Throwable t) {
          failures.add(t);
        }
      });
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) {
      thread.join();
    }
    assertThat(failures).isEmpty();
  }

  @Test
  void greedyDecodingThroughTheGreedyMethodReproducesThePublishedStory() throws IOException {
    int[] ids = {1};
    for (int step = 0; step < 200; step++) {
      int[] argmax = head.greedy(List.of(ids)).get(0).argmax();
      ids = Arrays.copyOf(ids, ids.length + 1);
      ids[ids.length - 1] = argmax[argmax.length - 1];
    }
    Path tokenizerJson = head.artefact().directory().resolve(ArtefactManifest.TOKENIZER_FILE);
    try (HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.newInstance(tokenizerJson,
        Map.of("truncation", "false"))) {
      String story = tokenizer.decode(Arrays.stream(ids).asLongStream().toArray(), true);
      assertThat(story).isEqualTo(
          Files.readString(SharedFixtures.sharedDir().resolve("models/stories260K/greedy-200-from-bos.txt")));
    }
  }

  @Test
  void greedyMaxLogitsBoundTheNextTokenLogitsAndMeetThemAtTheArgmax() {
    Random random = new Random(11);
    List<int[]> rows = List.of(randomSequence(random, 30), randomSequence(random, 7));
    List<HeadOutput> scored = head.forward(rows);
    List<GreedyOutput> greedy = head.greedy(rows);
    for (int b = 0; b < rows.size(); b++) {
      int[] row = rows.get(b);
      assertThat(greedy.get(b).maxLogits()).hasSize(row.length);
      for (int t = 0; t + 1 < row.length; t++) {
        float next = scored.get(b).nextTokenLogits()[t];
        float max = greedy.get(b).maxLogits()[t];
        assertThat(max).isGreaterThanOrEqualTo(next).isLessThan(scored.get(b).logSumExps()[t]);
        if (greedy.get(b).argmax()[t] == row[t + 1]) {
          assertThat(max).isCloseTo(next, within(1e-5f));
        }
      }
    }
    // the stories model's greedy continuation of BOS starts "Once"
    assertThat(head.greedy(List.of(new int[] {1})).get(0).argmax()).containsExactly(403);
  }

  @Test
  void scoringFromAPositionGivesForwardsOutputsThereAndComputesNothingBefore() {
    Random random = new Random(11);
    List<int[]> rows = List.of(randomSequence(random, 40), randomSequence(random, 7), randomSequence(random, 120));
    int[] first = {25, 0, 119};
    List<HeadOutput> whole = head.forward(rows);
    List<HeadOutput> partial = head.forward(rows, first);
    for (int b = 0; b < rows.size(); b++) {
      for (int t = 0; t < rows.get(b).length; t++) {
        if (t < first[b]) {
          assertThat(partial.get(b).logSumExps()[t]).as("row %d position %d", b, t).isZero();
          assertThat(partial.get(b).nextTokenLogits()[t]).as("row %d position %d", b, t).isZero();
        } else {
          assertThat(partial.get(b).logSumExps()[t]).isCloseTo(whole.get(b).logSumExps()[t], within(1e-5f));
          assertThat(partial.get(b).nextTokenLogits()[t]).isCloseTo(whole.get(b).nextTokenLogits()[t], within(1e-5f));
        }
      }
    }
    assertThat(partial.get(2).logSumExps()[119]).isNotZero();
  }

  @Test
  void anArtefactWithoutScoreFromRunsForwardWhateverTheFirstPositions(@TempDir Path temp) throws IOException {
    Path copy = storiesWithoutMethod(temp, "score_from_outputs");
    int[] row = randomSequence(new Random(13), 30);
    try (TorchRewardHead old = TorchRewardHead.load(ModelArtefact.open(copy), DeviceSpec.CPU)) {
      HeadOutput output = old.forward(List.of(row), new int[] {20}).get(0);
      HeadOutput whole = head.forward(List.of(row)).get(0);
      for (int t = 0; t < row.length; t++) {
        assertThat(output.logSumExps()[t]).isCloseTo(whole.logSumExps()[t], within(1e-5f));
      }
    }
  }

  @Test
  void greedyOnAnArtefactWithoutTheMethodIsRefused(@TempDir Path temp) throws IOException {
    Path copy = storiesWithoutMethod(temp, "greedy_outputs");
    try (TorchRewardHead old = TorchRewardHead.load(ModelArtefact.open(copy), DeviceSpec.CPU)) {
      assertThatThrownBy(() -> old.greedy(List.of(new int[] {1})))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("exported without the greedy method");
    }
  }

  @Test
  void sequencesLongerThanTheModelAreACallerError() {
    assertThatThrownBy(() -> head.forward(List.of(new int[513])))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 to 512");
    assertThatThrownBy(() -> head.greedy(List.of(new int[513])))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 to 512");
  }
}

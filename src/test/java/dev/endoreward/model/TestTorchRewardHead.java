package dev.endoreward.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.endoreward.reward.RewardHead.HeadOutput;
import dev.endoreward.testing.SharedFixtures;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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
  void sequencesLongerThanTheModelAreACallerError() {
    assertThatThrownBy(() -> head.forward(List.of(new int[513])))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 to 512");
  }
}

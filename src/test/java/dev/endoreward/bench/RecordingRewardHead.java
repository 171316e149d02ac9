package dev.endoreward.bench;

import dev.endoreward.reward.RewardHead;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A reward head that passes every batch to another one and notes what it ran: the time spent in the
 * model (padding, forward pass, reductions and the copy back), the real tokens, and optionally the
 * batches themselves, so another runtime can replay exactly the same forward passes.
 */
final class RecordingRewardHead implements RewardHead {
  private final RewardHead delegate;
  private final AtomicLong forwardNanos = new AtomicLong();
  private final AtomicLong tokens = new AtomicLong();
  private final List<List<int[]>> batches = new ArrayList<>();
  private volatile boolean keepBatches;

  RecordingRewardHead(RewardHead delegate) {
    this.delegate = delegate;
  }

  @Override
  public List<HeadOutput> forward(List<int[]> sequences, int[] firstPositions) {
    long start = System.nanoTime();
    List<HeadOutput> outputs = delegate.forward(sequences, firstPositions);
    forwardNanos.addAndGet(System.nanoTime() - start);
    tokens.addAndGet(sequences.stream().mapToLong(s -> s.length).sum());
    if (keepBatches) {
      synchronized (batches) {
        batches.add(List.copyOf(sequences));
      }
    }
    return outputs;
  }

  @Override
  public int maxLength() {
    return delegate.maxLength();
  }

  /** Clears the counters and starts (or stops) keeping the batches. */
  void reset(boolean keep) {
    forwardNanos.set(0);
    tokens.set(0);
    synchronized (batches) {
      batches.clear();
    }
    keepBatches = keep;
  }

  /** Seconds spent in the delegate since the last reset, summed over threads. */
  double forwardSeconds() {
    return forwardNanos.get() / 1e9;
  }

  /** Real (unpadded) tokens run since the last reset. */
  long tokens() {
    return tokens.get();
  }

  /** The batches run since the last reset, unpadded token ids per row, if kept. */
  List<List<int[]>> batches() {
    synchronized (batches) {
      return List.copyOf(batches);
    }
  }
}

package dev.endoreward.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.io.Serializable;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Where a model runs, written {@code auto}, {@code cpu}, {@code gpu} or {@code gpu:N}. {@code auto} and
 * {@code gpu} are choices that {@link #resolve} turns into a concrete device for one task; {@code cpu}
 * and {@code gpu:N} are concrete already.
 *
 * @param kind what was asked for
 * @param gpuIndex the GPU index of a concrete GPU, or -1
 */
public record DeviceSpec(Kind kind, int gpuIndex) implements Serializable {
  /** What a device setting asks for. */
  public enum Kind {
    /** The GPU Spark assigned to the task when the job requests GPUs, otherwise the CPU. */
    AUTO,
    /** The CPU, even on executors that have GPUs. */
    CPU,
    /**
     * A GPU: the one given by index, else the one Spark assigned to the task, else GPU 0. GPU 0 serves local
     * runs on a GPU machine: Spark's local mode cannot schedule GPUs, so every task shares GPU 0 (and the one
     * model loaded on it).
     */
    GPU
  }

  /** The written forms, for messages. */
  public static final String WRITTEN_FORMS = "auto, cpu, gpu or gpu:<index>";

  public static final DeviceSpec AUTO = new DeviceSpec(Kind.AUTO, -1);
  public static final DeviceSpec CPU = new DeviceSpec(Kind.CPU, -1);
  public static final DeviceSpec GPU = new DeviceSpec(Kind.GPU, -1);

  public DeviceSpec {
    Objects.requireNonNull(kind, "kind");
    if (kind == Kind.GPU ? gpuIndex < -1 : gpuIndex != -1) {
      throw new IllegalArgumentException("Cannot use GPU index " + gpuIndex + " on " + kind + ": "
          + (kind == Kind.GPU ? "it must be 0 or more" : "only a GPU has an index"));
    }
  }

  /** GPU {@code index}, whatever Spark assigned. */
  public static DeviceSpec gpu(int index) {
    if (index < 0) {
      throw new IllegalArgumentException("Cannot use GPU index " + index + ": it must be 0 or more");
    }
    return new DeviceSpec(Kind.GPU, index);
  }

  /**
   * Parses {@code auto}, {@code cpu}, {@code gpu} or {@code gpu:N}, ignoring case.
   *
   * @throws IllegalArgumentException "Cannot parse device ..." for anything else
   */
  public static DeviceSpec parse(String text) {
    String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
    switch (t) {
      case "auto":
        return AUTO;
      case "cpu":
        return CPU;
      case "gpu":
        return GPU;
      default:
        if (t.matches("gpu:\\d{1,4}")) {
          return gpu(Integer.parseInt(t.substring(4)));
        }
        throw new IllegalArgumentException("Cannot parse device '" + text + "': use " + WRITTEN_FORMS);
    }
  }

  /**
   * The concrete device of one task.
   *
   * @param assignedGpus the addresses of the GPUs Spark assigned to the task (empty when the job requests
   *     none); a task uses the first
   * @throws IllegalArgumentException when the address used is not a GPU index
   */
  public DeviceSpec resolve(List<String> assignedGpus) {
    if (isConcrete()) {
      return this;
    }
    if (assignedGpus.isEmpty()) {
      return kind == Kind.GPU ? gpu(0) : CPU;
    }
    String address = assignedGpus.get(0).strip();
    try {
      return gpu(Integer.parseInt(address));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Cannot use GPU address '" + address
          + "': the GPU discovery script must print CUDA device indexes such as \"0\"", e);
    }
  }

  /** Whether this names one device: the CPU or a GPU by index. */
  public boolean isConcrete() {
    return kind == Kind.CPU || gpuIndex >= 0;
  }

  /** Whether this is a GPU chosen by index. */
  public boolean isGpu() {
    return gpuIndex >= 0;
  }

  /**
   * The DJL device, after checking that the PyTorch engine can see it. A GPU that the engine cannot see
   * is an error, never a silent fall-back to the CPU.
   */
  Device toDjlDevice() {
    if (!isConcrete()) {
      throw new IllegalStateException("Cannot load a model on '" + this + "': resolve it to one device first");
    }
    if (!isGpu()) {
      return Device.cpu();
    }
    int visible = Engine.getEngine("PyTorch").getGpuCount();
    if (gpuIndex >= visible) {
      throw new IllegalStateException("Cannot use device " + this + ": the PyTorch engine sees " + visible
          + " GPU(s). Point PYTORCH_LIBRARY_PATH, PYTORCH_VERSION and PYTORCH_FLAVOR at a CUDA build of"
          + " libtorch and check CUDA_VISIBLE_DEVICES");
    }
    return Device.gpu(gpuIndex);
  }

  @Override
  public String toString() {
    return isGpu() ? "gpu:" + gpuIndex : kind.name().toLowerCase(Locale.ROOT);
  }
}

package dev.endoreward.spark.config;

import dev.endoreward.model.DeviceSpec;
import java.util.List;

/** Where the job's model runs, as configured; resolved to a {@link DeviceSpec} per task. */
public enum ModelDevice {
  /** The GPU Spark assigned to the task when the job requests GPUs, otherwise the CPU. */
  AUTO,
  /** Always the CPU, even on executors that have GPUs. */
  CPU,
  /**
   * The GPU Spark assigned to the task, otherwise GPU 0. For local runs on a GPU machine: Spark's local
   * mode cannot schedule GPUs, so every task shares GPU 0 (and the one model loaded on it).
   */
  GPU;

  /**
   * The device of one task.
   *
   * @param assignedGpus the addresses of the GPUs Spark assigned to the task (empty when the job requests
   *     none); a task uses the first
   * @throws IllegalArgumentException when an address is not a GPU index
   */
  public DeviceSpec resolve(List<String> assignedGpus) {
    if (this == CPU) {
      return DeviceSpec.CPU;
    }
    if (assignedGpus.isEmpty()) {
      return this == GPU ? DeviceSpec.gpu(0) : DeviceSpec.CPU;
    }
    String address = assignedGpus.get(0).trim();
    try {
      return DeviceSpec.gpu(Integer.parseInt(address));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Cannot use GPU address '" + address
          + "': the GPU discovery script must print CUDA device indexes such as \"0\"", e);
    }
  }
}

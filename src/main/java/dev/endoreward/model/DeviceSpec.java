package dev.endoreward.model;

import ai.djl.Device;
import ai.djl.engine.Engine;

/**
 * Where a model runs: the CPU, or one GPU chosen by index. Written as {@code cpu}, {@code gpu} (GPU 0)
 * or {@code gpu:N}.
 *
 * @param gpuIndex the GPU index, or -1 for the CPU
 */
public record DeviceSpec(int gpuIndex) implements java.io.Serializable {
  public static final DeviceSpec CPU = new DeviceSpec(-1);

  public DeviceSpec {
    if (gpuIndex < -1) {
      throw new IllegalArgumentException("Cannot use GPU index " + gpuIndex + ": it must be 0 or more");
    }
  }

  /** Parses {@code cpu}, {@code gpu} or {@code gpu:N}. */
  public static DeviceSpec parse(String text) {
    String t = text == null ? "" : text.trim().toLowerCase(java.util.Locale.ROOT);
    if (t.equals("cpu")) {
      return CPU;
    }
    if (t.equals("gpu")) {
      return gpu(0);
    }
    if (t.startsWith("gpu:")) {
      try {
        return gpu(Integer.parseInt(t.substring(4)));
      } catch (NumberFormatException e) {
        // falls through to the error below
      }
    }
    throw new IllegalArgumentException("Cannot parse device '" + text + "': use cpu, gpu or gpu:<index>");
  }

  public static DeviceSpec gpu(int index) {
    return new DeviceSpec(index);
  }

  public boolean isGpu() {
    return gpuIndex >= 0;
  }

  /**
   * The DJL device, after checking that the PyTorch engine can see it. A GPU that the engine cannot see
   * is an error, never a silent fall-back to the CPU.
   */
  Device toDjlDevice() {
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
    return isGpu() ? "gpu:" + gpuIndex : "cpu";
  }
}

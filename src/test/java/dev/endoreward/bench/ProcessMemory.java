package dev.endoreward.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** This process's resident memory, as Linux reports it in {@code /proc/self/status}. */
final class ProcessMemory {
  private ProcessMemory() {}

  /** Peak resident set size (VmHWM) in bytes. */
  static long peakResidentBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          // "VmHWM:	  123456 kB"
          return Long.parseLong(line.substring("VmHWM:".length()).replace("kB", "").strip()) * 1024;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read /proc/self/status", e);
    }
    throw new IllegalStateException("Cannot read the peak resident memory: /proc/self/status has no VmHWM line");
  }
}

package dev.endoreward.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * jobs/getGpusResources.sh, run with a stand-in nvidia-smi. Spark parses its output as
 * {"name": ..., "addresses": [...]} and the addresses become CUDA device indexes.
 */
class TestGpuDiscoveryScript {
  private static final Path SCRIPT = Path.of(System.getProperty("user.dir"), "jobs", "getGpusResources.sh");
  private static final String BASH = "/bin/bash";

  @TempDir
  Path dir;

  private record Result(int exitCode, String stdout, String stderr) {
    JsonNode json() throws IOException {
      return new ObjectMapper().readTree(stdout);
    }

    List<String> addresses() throws IOException {
      List<String> addresses = new ArrayList<>();
      json().get("addresses").forEach(address -> addresses.add(address.textValue()));
      return addresses;
    }
  }

  /** A folder holding an nvidia-smi that prints {@code output} and exits with {@code exitCode}. */
  private Path fakeNvidiaSmi(String output, int exitCode) throws IOException {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path smi = bin.resolve("nvidia-smi");
    Files.writeString(smi, "#!/bin/sh\nprintf '" + output + "'\nexit " + exitCode + "\n");
    Files.setPosixFilePermissions(smi, PosixFilePermissions.fromString("rwxr-xr-x"));
    return bin;
  }

  private Result run(String path, String cudaVisibleDevices) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(BASH, SCRIPT.toString());
    Map<String, String> env = builder.environment();
    env.put("PATH", path);
    env.remove("CUDA_VISIBLE_DEVICES");
    if (cudaVisibleDevices != null) {
      env.put("CUDA_VISIBLE_DEVICES", cudaVisibleDevices);
    }
    Path stdout = dir.resolve("stdout");
    Path stderr = dir.resolve("stderr");
    Process process = builder.redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new Result(process.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
        Files.readString(stderr, StandardCharsets.UTF_8));
  }

  private String withSystemPath(Path bin) {
    return bin + ":/usr/bin:/bin";
  }

  @Test
  void listsTheIndexesNvidiaSmiReports() throws Exception {
    Result result = run(withSystemPath(fakeNvidiaSmi("0\\n1\\n2\\n3\\n", 0)), null);

    assertThat(result.exitCode()).isZero();
    assertThat(result.json().get("name").textValue()).isEqualTo("gpu");
    assertThat(result.addresses()).containsExactly("0", "1", "2", "3");
  }

  @Test
  void visibleDevicesAreRenumberedAsCudaDoes() throws Exception {
    Path bin = fakeNvidiaSmi("0\\n1\\n2\\n3\\n", 0);

    assertThat(run(withSystemPath(bin), "2,3").addresses()).containsExactly("0", "1");
    assertThat(run(withSystemPath(bin), "GPU-5f1c9a7e-0d8b-4c1e-9f3a-2b6d8e4a1c0f").addresses()).containsExactly("0");
    assertThat(run(withSystemPath(bin), "1,-1,3").addresses()).containsExactly("0");
  }

  @Test
  void hiddenDevicesGiveNoAddresses() throws Exception {
    Path bin = fakeNvidiaSmi("0\\n1\\n", 0);

    assertThat(run(withSystemPath(bin), "").addresses()).isEmpty();
    assertThat(run(withSystemPath(bin), "-1").addresses()).isEmpty();
  }

  @Test
  void missingNvidiaSmiFails() throws Exception {
    Path empty = Files.createDirectories(dir.resolve("empty"));

    Result result = run(empty.toString(), null);

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.stdout()).isEmpty();
    assertThat(result.stderr()).startsWith("Cannot discover GPUs: nvidia-smi is not on the PATH");
  }

  @Test
  void failingNvidiaSmiFails() throws Exception {
    Result result = run(withSystemPath(fakeNvidiaSmi("NVIDIA-SMI has failed because it could not communicate", 9)),
        null);

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.stdout()).isEmpty();
    assertThat(result.stderr()).startsWith("Cannot discover GPUs: nvidia-smi failed: NVIDIA-SMI has failed");
  }
}

package dev.endoreward.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jobs/reproduce-rmbench.sh} checks its inputs before it exports or scores anything: each missing
 * input fails with one "Cannot reproduce RM-Bench: ..." line and exit code 2. The run itself needs a GPU and
 * the 7B model, which CI has not.
 */
class TestReproduceRmBenchScript {
  private static final Path SCRIPT = Path.of(System.getProperty("user.dir"), "jobs/reproduce-rmbench.sh");

  @TempDir
  Path dir;

  private record Result(int exitCode, String stderr) {}

  private Result run(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("/bin/bash", SCRIPT.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    // An nvidia-smi that lists no GPU comes first on the PATH, whatever the machine has.
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path nvidiaSmi = Files.writeString(bin.resolve("nvidia-smi"), "#!/bin/sh\necho 'No devices were found' >&2\nexit 6\n");
    assertThat(nvidiaSmi.toFile().setExecutable(true)).isTrue();
    builder.environment().put("PATH", bin + ":/usr/bin:/bin");
    Process process = builder.start();
    String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new Result(process.exitValue(), stderr);
  }

  private Path rmBench(String... files) throws IOException {
    Path folder = Files.createDirectories(dir.resolve("rm-bench"));
    for (String file : files) {
      Files.writeString(folder.resolve(file), "[]");
    }
    return folder;
  }

  @Test
  void missingDataFailsClearly() throws Exception {
    Path folder = rmBench("chat_filtered.json", "code_filtered.json");

    assertThat(run("--output", dir.resolve("out").toString()))
        .isEqualTo(new Result(2, "Cannot reproduce RM-Bench: no RM-Bench data; pass --rm-bench <folder with"
            + " chat_filtered.json ...>\n"));
    assertThat(run("--rm-bench", folder.toString(), "--output", dir.resolve("out").toString()))
        .isEqualTo(new Result(2, "Cannot reproduce RM-Bench: " + folder + " has no math_filtered.json; the paper's"
            + " figures need all five RM-Bench files\n"));
  }

  @Test
  void noGpuFailsBeforeTheExport() throws Exception {
    Path folder = rmBench("chat_filtered.json", "code_filtered.json", "math_filtered.json",
        "safety-refuse_filtered.json", "safety-response_filtered.json");

    Result result = run("--rm-bench", folder.toString(), "--output", dir.resolve("out").toString());

    assertThat(result).isEqualTo(new Result(2, "Cannot reproduce RM-Bench: no GPU (nvidia-smi lists none); scoring"
        + " RM-Bench with a 7B model needs one\n"));
    assertThat(dir.resolve("out")).doesNotExist();
  }

  @Test
  void unknownArgumentFailsClearly() throws Exception {
    assertThat(run("--rm-bench")).isEqualTo(new Result(2, "Cannot reproduce RM-Bench: --rm-bench needs a value\n"));
    assertThat(run("--gpus", "2")).isEqualTo(new Result(2, "Cannot reproduce RM-Bench: unknown argument '--gpus';"
        + " see --help\n"));
  }
}

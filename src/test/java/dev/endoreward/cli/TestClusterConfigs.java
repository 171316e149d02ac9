package dev.endoreward.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The example spark-submit properties files: every one schedules one GPU per task and runs every JVM with
 * DJL offline on a CUDA build of libtorch.
 */
class TestClusterConfigs {
  private static final Path CONF = Path.of(System.getProperty("user.dir"), "conf");

  private static Properties load(String name) throws IOException {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(CONF.resolve(name), StandardCharsets.UTF_8)) {
      properties.load(reader);
    }
    return properties;
  }

  @ParameterizedTest
  @ValueSource(strings = {"spark-standalone.conf", "spark-yarn.conf", "spark-k8s.conf"})
  void schedulesOneTaskPerGpu(String name) throws IOException {
    Properties conf = load(name);

    assertThat(conf.getProperty("spark.executor.resource.gpu.amount")).isEqualTo("1");
    assertThat(conf.getProperty("spark.task.resource.gpu.amount")).isEqualTo("1");
    assertThat(conf.getProperty("spark.executor.resource.gpu.discoveryScript")).endsWith("/getGpusResources.sh");
    assertThat(conf.getProperty("spark.task.cpus")).isEqualTo(conf.getProperty("spark.executor.cores"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"spark-standalone.conf", "spark-yarn.conf", "spark-k8s.conf"})
  void runsDjlOfflineOnCudaLibtorch(String name) throws IOException {
    Properties conf = load(name);

    assertThat(conf.getProperty("spark.executorEnv.DJL_OFFLINE")).isEqualTo("true");
    assertThat(conf.getProperty("spark.executorEnv.OPT_OUT_TRACKING")).isEqualTo("true");
    assertThat(conf.getProperty("spark.executorEnv.PYTORCH_LIBRARY_PATH")).isNotBlank();
    assertThat(conf.getProperty("spark.executorEnv.PYTORCH_VERSION")).isEqualTo("2.7.1");
    assertThat(conf.getProperty("spark.executorEnv.PYTORCH_FLAVOR")).isEqualTo("cu128");
    assertThat(conf.getProperty("spark.executor.extraJavaOptions"))
        .isEqualTo("-Dai.djl.offline=true -DOPT_OUT_TRACKING=true");
    assertThat(conf.getProperty("spark.driver.extraJavaOptions"))
        .isEqualTo("-Dai.djl.offline=true -DOPT_OUT_TRACKING=true");
  }

  @ParameterizedTest
  @ValueSource(strings = {"spark-standalone.conf", "spark-yarn.conf", "spark-k8s.conf"})
  void setsNoMasterSoTheSubmitScriptDecides(String name) throws IOException {
    assertThat(load(name).getProperty("spark.master")).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"spark-yarn.conf", "spark-k8s.conf"})
  void clusterModeDriversRunDjlOfflineToo(String name) throws IOException {
    Properties conf = load(name);
    String prefix = name.equals("spark-yarn.conf") ? "spark.yarn.appMasterEnv." : "spark.kubernetes.driverEnv.";

    assertThat(conf.getProperty(prefix + "DJL_OFFLINE")).isEqualTo("true");
    assertThat(conf.getProperty(prefix + "OPT_OUT_TRACKING")).isEqualTo("true");
  }
}

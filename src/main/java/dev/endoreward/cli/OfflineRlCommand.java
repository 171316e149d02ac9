package dev.endoreward.cli;

import dev.endoreward.curate.OfflineRlConfig;
import dev.endoreward.curate.OfflineRlJob;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;

/** {@code offline-rl}: see {@link OfflineRlJob}. */
@Command(name = "offline-rl", sortOptions = false,
    description = "Writes per-token offline-RL data: token ids, action mask, rewards, logprobs, returns, advantages.",
    footer = "%nExit codes: 0 done, 1 the job failed, 2 bad command line, configuration, input or output folder.")
final class OfflineRlCommand extends CurateCommand<OfflineRlConfig> {
  OfflineRlCommand(SparkSessionFactory sessions) {
    super(sessions);
  }

  @Override
  OfflineRlConfig parse(Map<String, String> values) {
    return OfflineRlConfig.fromMap(values);
  }

  @Override
  Map<String, Object> run(SparkSession spark, OfflineRlConfig config) {
    return OfflineRlJob.run(spark, config);
  }

  @Override
  String activity() {
    return "building offline-RL data";
  }
}

package dev.endoreward.cli;

import dev.endoreward.curate.PairsConfig;
import dev.endoreward.curate.PairsJob;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;

/** {@code pairs}: see {@link PairsJob}. */
@Command(name = "pairs", sortOptions = false,
    description = "Builds preference pairs per prompt for TRL's DPOTrainer.",
    footer = "%nExit codes: 0 done, 1 the job failed, 2 bad command line, configuration, input or output folder.")
final class PairsCommand extends CurateCommand<PairsConfig> {
  PairsCommand(SparkSessionFactory sessions) {
    super(sessions);
  }

  @Override
  PairsConfig parse(Map<String, String> values) {
    return PairsConfig.fromMap(values);
  }

  @Override
  Map<String, Object> run(SparkSession spark, PairsConfig config) {
    return PairsJob.run(spark, config);
  }

  @Override
  String activity() {
    return "building pairs";
  }
}

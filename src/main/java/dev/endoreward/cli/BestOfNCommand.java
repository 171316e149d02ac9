package dev.endoreward.cli;

import dev.endoreward.curate.BestOfNConfig;
import dev.endoreward.curate.BestOfNJob;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;

/** {@code best-of-n}: see {@link BestOfNJob}. */
@Command(name = "best-of-n", sortOptions = false,
    description = "Keeps each prompt's top k responses as TRL SFT data (rejection sampling).",
    footer = "%nExit codes: 0 done, 1 the job failed, 2 bad command line, configuration, input or output folder.")
final class BestOfNCommand extends CurateCommand<BestOfNConfig> {
  BestOfNCommand(SparkSessionFactory sessions) {
    super(sessions);
  }

  @Override
  BestOfNConfig parse(Map<String, String> values) {
    return BestOfNConfig.fromMap(values);
  }

  @Override
  Map<String, Object> run(SparkSession spark, BestOfNConfig config) {
    return BestOfNJob.run(spark, config);
  }

  @Override
  String activity() {
    return "selecting the best of n";
  }
}

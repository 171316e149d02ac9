package dev.endoreward.cli;

import dev.endoreward.curate.FilterConfig;
import dev.endoreward.curate.FilterJob;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;

/** {@code filter}: see {@link FilterJob}. */
@Command(name = "filter", sortOptions = false,
    description = "Keeps scored rows whose (per-prompt normalised) score passes a threshold or a top fraction.",
    footer = "%nExit codes: 0 done, 1 the job failed, 2 bad command line, configuration, input or output folder.")
final class FilterCommand extends CurateCommand<FilterConfig> {
  FilterCommand(SparkSessionFactory sessions) {
    super(sessions);
  }

  @Override
  FilterConfig parse(Map<String, String> values) {
    return FilterConfig.fromMap(values);
  }

  @Override
  Map<String, Object> run(SparkSession spark, FilterConfig config) {
    return FilterJob.run(spark, config);
  }

  @Override
  String activity() {
    return "filtering";
  }
}

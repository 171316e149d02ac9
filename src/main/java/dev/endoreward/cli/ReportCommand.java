package dev.endoreward.cli;

import dev.endoreward.report.ReportConfig;
import dev.endoreward.report.ReportJob;
import dev.endoreward.report.ReportKeys;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code report}: see {@link ReportJob}. Its {@code --output} is the HTML file to write. */
@Command(name = "report", sortOptions = false,
    description = "Writes one self-contained HTML page on a score output, with an eval output's accuracy.",
    footer = "%nExit codes: 0 done, 1 the job failed, 2 bad command line, configuration, input or output.")
final class ReportCommand extends CurateCommand<ReportConfig> {
  @Option(names = "--eval", paramLabel = "DIR", description = "A complete eval output folder (sets report.eval).")
  private String eval;

  ReportCommand(SparkSessionFactory sessions) {
    super(sessions);
  }

  @Override
  ReportConfig parse(Map<String, String> values) {
    Map<String, String> all = new LinkedHashMap<>(values);
    if (eval != null) {
      all.put(ReportKeys.EVAL_PATH.name(), eval);
    }
    return ReportConfig.fromMap(all);
  }

  @Override
  Map<String, Object> run(SparkSession spark, ReportConfig config) {
    return ReportJob.run(spark, config);
  }

  @Override
  String activity() {
    return "writing the report";
  }
}

package dev.endoreward.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The accuracy of a score on preference data, per file, per subset and overall, from each response's
 * score or rejection. A comparison is one chosen response against one rejected response of the same
 * record, decided by {@link Verdict}; a comparison with a response that {@code score} rejected is excluded
 * and counted, and the rejected responses are counted by reason. RM-Bench's groups are scored by
 * {@link Triangles}, its overall figures are the means over its domains; RewardBench's overall score is
 * {@link RewardBenchSections}'.
 */
final class AccuracyReport {
  static final String INTERVAL = "95% Wilson score interval of each accuracy, treating its comparisons as"
      + " independent";

  private final PreferenceFormat format;
  private final Map<String, GroupCounts> files = new TreeMap<>();
  private final Map<String, GroupCounts> subsets = new TreeMap<>();
  private final GroupCounts overall = new GroupCounts();

  private AccuracyReport(PreferenceFormat format) {
    this.format = format;
  }

  /**
   * The report on {@code records}.
   *
   * @param scores each scored response's score, by response id ({@link PairRows#responseId})
   * @param rejections each rejected response's reason, by response id
   * @throws IllegalStateException when a response is neither scored nor rejected
   */
  static AccuracyReport of(PreferenceFormat format, List<PreferenceRecord> records, Map<String, Double> scores,
      Map<String, String> rejections) {
    AccuracyReport report = new AccuracyReport(format);
    for (PreferenceRecord record : records) {
      report.add(record, scores, rejections);
    }
    return report;
  }

  private void add(PreferenceRecord record, Map<String, Double> scores, Map<String, String> rejections) {
    List<GroupCounts> groups = List.of(files.computeIfAbsent(record.file(), f -> new GroupCounts()),
        subsets.computeIfAbsent(record.subset(), s -> new GroupCounts()), overall);
    Double[] chosen = sideScores(record, PairRows.CHOSEN, record.chosen().size(), scores, rejections, groups);
    Double[] rejected = sideScores(record, PairRows.REJECTED, record.rejected().size(), scores, rejections, groups);
    Triangles triangles = format == PreferenceFormat.RM_BENCH ? Triangles.of(chosen, rejected) : Triangles.EMPTY;
    Tally tally = format == PreferenceFormat.RM_BENCH ? triangles.all() : allPairs(chosen, rejected);
    for (GroupCounts group : groups) {
      group.addRecord(tally, triangles);
    }
  }

  private static Double[] sideScores(PreferenceRecord record, String side, int count, Map<String, Double> scores,
      Map<String, String> rejections, List<GroupCounts> groups) {
    Double[] values = new Double[count];
    for (int i = 0; i < count; i++) {
      String id = PairRows.responseId(record.id(), side, i);
      values[i] = scores.get(id);
      String reason = rejections.get(id);
      if ((values[i] == null) == (reason == null)) {
        throw new IllegalStateException("Cannot evaluate response " + id + ": it is " + (reason == null
            ? "neither scored nor rejected" : "both scored and rejected") + " in the score output");
      }
      if (reason != null) {
        groups.forEach(group -> group.addRejected(reason));
      }
    }
    return values;
  }

  private static Tally allPairs(Double[] chosen, Double[] rejected) {
    Tally tally = Tally.EMPTY;
    for (Double c : chosen) {
      for (Double r : rejected) {
        tally = c == null || r == null ? tally.withExcluded() : tally.with(Verdict.of(c, r));
      }
    }
    return tally;
  }

  /** The report as {@code accuracy.json} holds it; fractions in [0, 1], null where nothing was compared. */
  Map<String, Object> toJson(String input, EvalScore score, List<String> ignoredFiles) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("format", EvalKeys.FORMAT.write(format));
    json.put("input", input);
    json.put("score", score.column());
    json.put("interval", INTERVAL);
    json.put("ignored_files", ignoredFiles);
    json.put("files", groups(files));
    json.put("subsets", groups(subsets));
    Map<String, Object> all;
    if (format == PreferenceFormat.RM_BENCH) {
      all = rmBenchOverall();
    } else {
      all = group(overall);
    }
    if (format == PreferenceFormat.REWARDBENCH) {
      Map<String, Double> sections = RewardBenchSections.scores(subsetAccuracies());
      Map<String, Object> written = new LinkedHashMap<>();
      sections.forEach((section, value) -> written.put(section, fraction(value)));
      json.put("sections", written);
      all.put("score", fraction(RewardBenchSections.overall(sections)));
      json.put("unsectioned_subsets", subsets.keySet().stream().filter(s -> !RewardBenchSections.isSectioned(s))
          .toList());
    }
    json.put("overall", all);
    return json;
  }

  private Map<String, Double> subsetAccuracies() {
    Map<String, Double> accuracies = new LinkedHashMap<>();
    subsets.forEach((subset, counts) -> accuracies.put(subset, counts.tally().accuracy()));
    return accuracies;
  }

  private Map<String, Object> groups(Map<String, GroupCounts> groups) {
    Map<String, Object> json = new LinkedHashMap<>();
    groups.forEach((name, counts) -> json.put(name, group(counts)));
    return json;
  }

  private Map<String, Object> group(GroupCounts counts) {
    Map<String, Object> json = new LinkedHashMap<>();
    Tally tally = counts.tally();
    json.put(format == PreferenceFormat.RM_BENCH ? "prompts" : "records", counts.records());
    json.put("comparisons", tally.comparisons());
    json.put("correct", tally.correct());
    json.put("ties", tally.ties());
    json.put("excluded_comparisons", tally.excluded());
    json.put("rejected_responses", counts.rejectedResponses());
    if (format == PreferenceFormat.RM_BENCH) {
      Triangles triangles = counts.triangles();
      json.put("hard", fraction(triangles.hard().accuracy()));
      json.put("normal", fraction(triangles.normal().accuracy()));
      json.put("easy", fraction(triangles.easy().accuracy()));
      json.put("average", fraction(triangles.average()));
      Map<String, Object> intervals = new LinkedHashMap<>();
      intervals.put("hard", triangles.hard().wilson95());
      intervals.put("normal", triangles.normal().wilson95());
      intervals.put("easy", triangles.easy().wilson95());
      json.put("interval_95", intervals);
    } else {
      json.put("accuracy", fraction(tally.accuracy()));
      json.put("interval_95", tally.wilson95());
    }
    return json;
  }

  /** RM-Bench's overall figures: each the mean of the domains' (the paper's Table 1). */
  private Map<String, Object> rmBenchOverall() {
    Map<String, Object> json = new LinkedHashMap<>();
    Tally tally = overall.tally();
    json.put("prompts", overall.records());
    json.put("comparisons", tally.comparisons());
    json.put("correct", tally.correct());
    json.put("ties", tally.ties());
    json.put("excluded_comparisons", tally.excluded());
    json.put("rejected_responses", overall.rejectedResponses());
    json.put("domains", List.copyOf(subsets.keySet()));
    json.put("hard", fraction(domainMean(t -> t.hard().accuracy())));
    json.put("normal", fraction(domainMean(t -> t.normal().accuracy())));
    json.put("easy", fraction(domainMean(t -> t.easy().accuracy())));
    json.put("average", fraction(domainMean(Triangles::average)));
    return json;
  }

  private double domainMean(Function<Triangles, Double> figure) {
    return subsets.values().stream().mapToDouble(counts -> figure.apply(counts.triangles())).average()
        .orElse(Double.NaN);
  }

  private static Double fraction(double value) {
    return Double.isNaN(value) ? null : value;
  }

  /** The report as {@code accuracy.md} holds it: the JSON's figures as tables, in percent. */
  @SuppressWarnings("unchecked")
  static String toMarkdown(Map<String, Object> json) {
    boolean rmBench = "rm-bench".equals(json.get("format"));
    StringBuilder md = new StringBuilder();
    md.append("# Accuracy of `").append(json.get("score")).append("` on ").append(json.get("format")).append(" data\n\n");
    md.append("Input: `").append(json.get("input")).append("`. Intervals: ").append(INTERVAL).append(".\n");
    Map<String, Object> overallJson = (Map<String, Object>) json.get("overall");
    if (json.containsKey("sections")) {
      md.append("\n## Sections\n\n| section | score |\n|---|---|\n");
      ((Map<String, Object>) json.get("sections")).forEach((section, value) ->
          md.append("| ").append(section).append(" | ").append(percent(value)).append(" |\n"));
      md.append("| **Score** | ").append(percent(overallJson.get("score"))).append(" |\n");
    }
    Map<String, Object> overallRows = new LinkedHashMap<>();
    overallRows.put("overall", overallJson);
    table(md, "Overall", overallRows, rmBench);
    table(md, rmBench ? "Domains" : "Subsets", (Map<String, Object>) json.get("subsets"), rmBench);
    table(md, "Files", (Map<String, Object>) json.get("files"), rmBench);
    return md.toString();
  }

  @SuppressWarnings("unchecked")
  private static void table(StringBuilder md, String title, Map<String, Object> rows, boolean rmBench) {
    md.append("\n## ").append(title).append("\n\n");
    md.append(rmBench ? "| | hard | normal | easy | average | prompts | comparisons | ties | excluded |\n"
        + "|---|---|---|---|---|---|---|---|---|\n"
        : "| | accuracy | 95% interval | records | comparisons | ties | excluded |\n|---|---|---|---|---|---|---|\n");
    rows.forEach((name, value) -> {
      Map<String, Object> row = (Map<String, Object>) value;
      List<Object> cells = new ArrayList<>();
      cells.add(name);
      if (rmBench) {
        for (String figure : List.of("hard", "normal", "easy", "average")) {
          cells.add(percent(row.get(figure)));
        }
        cells.add(row.get("prompts"));
      } else {
        cells.add(percent(row.get("accuracy")));
        double[] interval = (double[]) row.get("interval_95");
        cells.add(interval == null ? "–" : percent(interval[0]) + " – " + percent(interval[1]));
        cells.add(row.get("records"));
      }
      cells.add(row.get("comparisons"));
      cells.add(row.get("ties"));
      cells.add(row.get("excluded_comparisons"));
      md.append("|");
      cells.forEach(cell -> md.append(' ').append(cell).append(" |"));
      md.append('\n');
    });
  }

  private static String percent(Object fraction) {
    return fraction == null ? "–" : String.format(Locale.ROOT, "%.1f%%", 100 * ((Number) fraction).doubleValue());
  }
}

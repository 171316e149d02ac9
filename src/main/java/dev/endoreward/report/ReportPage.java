package dev.endoreward.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report as one self-contained HTML page: inline style and script, hand-drawn SVG, nothing fetched.
 * Elements that tests and readers look up carry ids and {@code data-} attributes with the exact values.
 */
final class ReportPage {
  private static final String STYLE = """
      body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:1000px;color:#1d2433;padding:0 16px}
      h1{font-size:22px}h2{font-size:18px;margin-top:32px;border-bottom:1px solid #d5d9e0}h3{font-size:15px}
      table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #d5d9e0;padding:3px 8px;text-align:right}
      th{background:#f2f4f7}td.name,th.name{text-align:left}.note{color:#5a6272}
      svg{background:#fafbfc;border:1px solid #e3e6eb;display:block;margin:8px 0}svg text{font-size:11px;fill:#5a6272}
      .bar{fill:#4c78a8}.bar:hover,circle:hover{fill:#f58518}circle{fill:#4c78a8;fill-opacity:.6}.axis{stroke:#8a93a3}
      .spread{display:inline-block;height:10px;background:#54a24b}
      .example{border:1px solid #d5d9e0;border-radius:4px;padding:8px 12px;margin:12px 0}
      pre{white-space:pre-wrap;word-break:break-word;background:#f6f7f9;padding:6px;margin:4px 0}
      .heatmap{font:13px/1.9 ui-monospace,monospace;white-space:pre-wrap;word-break:break-all}
      .tok{padding:1px 0;border-radius:2px;cursor:default}.tok:hover{outline:2px solid #1d2433}
      #tok-info{position:sticky;top:0;background:#fff;border:1px solid #d5d9e0;padding:4px 8px;min-height:20px}
      .legend{display:inline-block;width:120px;height:10px;background:linear-gradient(90deg,#d7301f,#fee08b,#1a9850)}
      """;
  private static final String SCRIPT = """
      document.addEventListener('mouseover', function (event) {
        var token = event.target.closest('.tok');
        if (!token) { return; }
        document.getElementById('tok-info').textContent = 'token ' + token.dataset.token + ' ' +
          JSON.stringify(token.textContent) + ': reward ' + token.dataset.reward + ', logprob ' + token.dataset.logprob;
      });
      """;

  private final StringBuilder html = new StringBuilder();

  private ReportPage() {}

  static String render(ScoreFolder folder, ScoredFigures figures, EvalFigures eval, ReportLimits limits,
      boolean tokenTexts) {
    ReportPage page = new ReportPage();
    page.head(folder, limits);
    page.summary(folder, figures);
    page.distributions(figures);
    page.lengths(figures, limits);
    page.spreads(figures);
    page.examples(figures, limits, tokenTexts);
    if (eval != null) {
      page.eval(eval);
    }
    page.html.append("<script>").append(SCRIPT).append("</script></body></html>\n");
    return page.html.toString();
  }

  private void head(ScoreFolder folder, ReportLimits limits) {
    html.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline';")
        .append(" script-src 'unsafe-inline'\"><title>endoreward report: ").append(Html.text(folder.path()))
        .append("</title><style>").append(STYLE).append("</style></head><body>");
    html.append("<h1>Endogenous reward report</h1><p>Score output <code id=\"input-path\">")
        .append(Html.text(folder.path())).append("</code>. This page holds everything it shows and loads nothing;")
        .append(" it is at most ").append(Html.count(limits.maxBytes())).append(" bytes, whatever the output's size.")
        .append("</p>");
  }

  private void summary(ScoreFolder folder, ScoredFigures figures) {
    long rejected = figures.rejectedByReason().values().stream().mapToLong(Long::longValue).sum();
    html.append("<h2 id=\"summary\">Run summary</h2><table><tr><th class=\"name\">rows scored</th><td id=\"rows-scored\">")
        .append(figures.rowsScored()).append("</td></tr><tr><th class=\"name\">rows rejected</th>")
        .append("<td id=\"rows-rejected\">").append(rejected).append("</td></tr>")
        .append("<tr><th class=\"name\">prompts with 2 or more responses</th><td id=\"prompts\">")
        .append(figures.prompts()).append("</td></tr></table>");
    html.append("<h3>Rejected rows by reason</h3><table id=\"rejects\"><tr><th class=\"name\">reason</th><th>rows</th></tr>");
    figures.rejectedByReason().forEach((reason, count) -> html.append("<tr data-reason=\"").append(Html.text(reason))
        .append("\"><td class=\"name\">").append(Html.text(reason)).append("</td><td>").append(count)
        .append("</td></tr>"));
    html.append("</table>");
    JsonNode runs = folder.summary().path("runs");
    html.append("<h3>Runs</h3><table id=\"runs\"><tr><th class=\"name\">run</th><th>rows in</th><th>scored</th>")
        .append("<th>rejected</th><th>prompt tokens</th><th>response tokens</th><th>attempts</th><th>wall s</th>")
        .append("<th>tokens/s</th><th>padding</th><th>model loads</th></tr>");
    for (int r = 0; r < Math.min(runs.size(), ReportLimits.RUNS); r++) {
      JsonNode run = runs.get(r);
      double wall = 0;
      long loads = 0;
      JsonNode last = run.path("attempts").path(run.path("attempts").size() - 1);
      for (JsonNode attempt : run.path("attempts")) {
        wall += attempt.path("wall_seconds").asDouble();
        loads += attempt.path("model_loads").asLong();
      }
      html.append("<tr><td class=\"name\">").append(name(run.path("run_id").asText())).append("</td><td>")
          .append(Html.count(run.path("rows_in").asLong())).append("</td><td>")
          .append(Html.count(run.path("rows_scored").asLong())).append("</td><td>")
          .append(Html.count(run.path("rows_rejected").asLong())).append("</td><td>")
          .append(Html.count(run.path("prompt_tokens").asLong())).append("</td><td>")
          .append(Html.count(run.path("response_tokens").asLong())).append("</td><td>")
          .append(run.path("attempts").size()).append("</td><td>").append(String.format(Locale.ROOT, "%.1f", wall))
          .append("</td><td>").append(Html.count(Math.round(last.path("tokens_per_second").asDouble())))
          .append("</td><td>").append(Html.percent(last.path("padding_fraction").asDouble())).append("</td><td>")
          .append(loads).append("</td></tr>");
    }
    html.append("</table>");
    if (runs.size() > ReportLimits.RUNS) {
      html.append("<p class=\"note\">and ").append(runs.size() - ReportLimits.RUNS).append(" more runs.</p>");
    }
    html.append("<p class=\"note\">tokens/s and padding are the last attempt's; wall time and model loads add up"
        + " every attempt.</p><h3>Provenance</h3>");
    for (int r = 0; r < Math.min(runs.size(), ReportLimits.RUNS); r++) {
      JsonNode run = runs.get(r);
      html.append("<table class=\"provenance\"><tr><th class=\"name\" colspan=\"2\">").append(name(run.path("run_id")
          .asText())).append("</th></tr>");
      Iterator<Map.Entry<String, JsonNode>> fields = run.path("provenance").fields();
      for (int i = 0; fields.hasNext() && i < 24; i++) {
        Map.Entry<String, JsonNode> field = fields.next();
        html.append("<tr><td class=\"name\">").append(name(field.getKey())).append("</td><td class=\"name\"><code>")
            .append(name(field.getValue().asText())).append("</code></td></tr>");
      }
      html.append("</table>");
    }
  }

  private void distributions(ScoredFigures figures) {
    html.append("<h2 id=\"distributions\">Distributions</h2><p class=\"note\">Every scored row, in ")
        .append(figures.reward().counts().length).append(" equal bins each; hover a bar for its range and count.</p>")
        .append("<h3>reward</h3>").append(Charts.histogram("hist-reward", "reward", figures.reward()))
        .append("<h3>reward_mean</h3>").append(Charts.histogram("hist-reward-mean", "reward_mean", figures.rewardMean()))
        .append("<h3>logprob_mean</h3>")
        .append(Charts.histogram("hist-logprob-mean", "logprob_mean", figures.logprobMean()));
  }

  private void lengths(ScoredFigures figures, ReportLimits limits) {
    html.append("<h2 id=\"length\">Reward against response length</h2><p class=\"note\" id=\"sampling\">");
    if (figures.sampled()) {
      html.append("A deterministic sample: the ").append(Html.count(figures.scatter().size())).append(" of ")
          .append(Html.count(figures.rowsScored())).append(" rows with the smallest xxhash64 of their id (Spark's")
          .append(" <code>xxhash64</code>, seed 42), the same rows in every report of this output")
          .append(" (<code>report.scatter-rows</code> = ").append(limits.scatterRows()).append(").");
    } else {
      html.append("All ").append(Html.count(figures.rowsScored())).append(" rows.");
    }
    html.append("</p>").append(Charts.scatter("scatter", figures.scatter()));
  }

  private void spreads(ScoredFigures figures) {
    html.append("<h2 id=\"spread\">Per-prompt spread</h2><p class=\"note\">Best minus worst reward of each")
        .append(" prompt's responses, over the ").append(Html.count(figures.prompts()))
        .append(" prompts (by <code>prompt_id</code>) with two responses or more. Within a prompt, reward ranks as")
        .append(" log-probability does.</p>")
        .append(Charts.histogram("hist-spread", "best - worst reward", figures.spread()));
    double widest = figures.widest().isEmpty() ? 1 : Math.max(figures.widest().get(0).best()
        - figures.widest().get(0).worst(), 1e-12);
    html.append("<h3>Widest spreads</h3><table id=\"widest\"><tr><th class=\"name\">prompt_id</th><th>responses</th>")
        .append("<th>best</th><th>worst</th><th class=\"name\">spread</th></tr>");
    for (ScoredFigures.PromptSpread prompt : figures.widest()) {
      double spread = prompt.best() - prompt.worst();
      html.append("<tr data-prompt-id=\"").append(Html.text(prompt.promptId())).append("\"><td class=\"name\"><code>")
          .append(Html.text(prompt.promptId())).append("</code></td><td>").append(prompt.responses()).append("</td><td>")
          .append(Html.number(prompt.best())).append("</td><td>").append(Html.number(prompt.worst()))
          .append("</td><td class=\"name\"><span class=\"spread\" style=\"width:")
          .append(String.format(Locale.ROOT, "%.0f", 200 * spread / widest)).append("px\"></span> ")
          .append(Html.number(spread)).append("</td></tr>");
    }
    html.append("</table>");
  }

  private void examples(ScoredFigures figures, ReportLimits limits, boolean tokenTexts) {
    html.append("<h2 id=\"examples\">Top and bottom examples</h2><p class=\"note\">By reward, ties by id. Texts are")
        .append(" cut at ").append(Html.count(limits.maxTextChars())).append(" characters and heatmaps at ")
        .append(Html.count(limits.maxTokens())).append(" tokens. Each token is coloured by its reward on the")
        .append(" response's own scale, from its lowest <span class=\"legend\"></span> to its highest; hover a")
        .append(" token for its values. Token rewards are potential-shaped: read them within a response.");
    if (!figures.tokenLevel()) {
      html.append(" This output has no token columns (<code>output.token-level=false</code>): no heatmaps.");
    } else if (!tokenTexts) {
      html.append(" The run's tokenizer could not be read (its <code>model.path</code> is not on this machine):")
          .append(" tokens show as their ids.");
    }
    html.append("</p><div id=\"tok-info\">hover a token</div><h3>Highest reward</h3>");
    for (Example example : figures.top()) {
      example(example, "top", limits);
    }
    html.append("<h3>Lowest reward</h3>");
    for (Example example : figures.bottom()) {
      example(example, "bottom", limits);
    }
  }

  private void example(Example example, String kind, ReportLimits limits) {
    html.append("<div class=\"example ").append(kind).append("\" data-id=\"").append(Html.text(example.id()))
        .append("\"><b>").append(Html.text(example.id())).append("</b> · prompt <code>")
        .append(Html.text(example.promptId())).append("</code> · reward ").append(Html.number(example.reward()))
        .append(" · reward_mean ").append(Html.number(example.rewardMean())).append(" · logprob_mean ")
        .append(Html.number(example.logprobMean())).append(" · ").append(example.responseTokens())
        .append(" response tokens<div>prompt</div><pre>").append(Html.text(Html.cut(example.prompt(),
            limits.maxTextChars()))).append("</pre><div>response</div><pre>")
        .append(Html.text(Html.cut(example.response(), limits.maxTextChars()))).append("</pre>");
    List<Example.Token> tokens = example.tokens();
    if (!tokens.isEmpty()) {
      float low = Float.POSITIVE_INFINITY;
      float high = Float.NEGATIVE_INFINITY;
      for (Example.Token token : tokens) {
        low = Math.min(low, token.reward());
        high = Math.max(high, token.reward());
      }
      html.append("<div>token rewards, ").append(Html.number(low)).append(" to ").append(Html.number(high))
          .append("</div><div class=\"heatmap\">");
      for (Example.Token token : tokens) {
        double t = high > low ? (token.reward() - low) / (high - low) : 0.5;
        String shown = token.text() == null ? "[" + token.id() + "]" : Html.cut(token.text(), ReportLimits.TOKEN_CHARS);
        html.append("<span class=\"tok\" style=\"background:").append(colour(t)).append("\" data-token=\"")
            .append(token.id()).append("\" data-reward=\"").append(token.reward()).append("\" data-logprob=\"")
            .append(token.logprob()).append("\" title=\"token ").append(token.id()).append(": reward ")
            .append(token.reward()).append(", logprob ").append(token.logprob()).append("\">").append(Html.text(shown))
            .append("</span>");
      }
      html.append("</div>");
      if (example.responseTokens() > tokens.size()) {
        html.append("<p class=\"note\">and ").append(example.responseTokens() - tokens.size())
            .append(" more tokens.</p>");
      }
    }
    html.append("</div>");
  }

  /** Red at 0, yellow at 0.5, green at 1: the legend's gradient. */
  private static String colour(double t) {
    int[] red = {0xd7, 0x30, 0x1f};
    int[] yellow = {0xfe, 0xe0, 0x8b};
    int[] green = {0x1a, 0x98, 0x50};
    int[] from = t < 0.5 ? red : yellow;
    int[] to = t < 0.5 ? yellow : green;
    double f = t < 0.5 ? t * 2 : (t - 0.5) * 2;
    return String.format(Locale.ROOT, "#%02x%02x%02x", mix(from[0], to[0], f), mix(from[1], to[1], f),
        mix(from[2], to[2], f));
  }

  private static int mix(int a, int b, double f) {
    return (int) Math.round(a + (b - a) * f);
  }

  private void eval(EvalFigures eval) {
    JsonNode accuracy = eval.accuracy();
    boolean rmBench = !eval.matrices().isEmpty() || "rm-bench".equals(accuracy.path("format").asText());
    html.append("<h2 id=\"eval\">Evaluation</h2><p>Accuracy of <code>").append(Html.text(accuracy.path("score").asText()))
        .append("</code> on ").append(Html.text(accuracy.path("format").asText())).append(" data (")
        .append("<code>").append(Html.text(eval.path())).append("</code>): a comparison is correct when the chosen")
        .append(" response scores strictly higher. Intervals: ").append(Html.text(accuracy.path("interval").asText()))
        .append(".</p>");
    if (accuracy.has("sections")) {
      html.append("<h3>Sections</h3><table id=\"eval-sections\"><tr><th class=\"name\">section</th><th>score</th></tr>");
      accuracy.path("sections").fields().forEachRemaining(field -> html.append("<tr><td class=\"name\">")
          .append(name(field.getKey())).append("</td><td>").append(Html.percent(fraction(field.getValue())))
          .append("</td></tr>"));
      html.append("<tr><td class=\"name\"><b>score</b></td><td>")
          .append(Html.percent(fraction(accuracy.path("overall").path("score")))).append("</td></tr></table>");
    }
    groups("eval-overall", "overall", Map.of("overall", accuracy.path("overall")).entrySet().iterator(), rmBench);
    groups("eval-subsets", rmBench ? "domains" : "subsets", accuracy.path("subsets").fields(), rmBench);
    groups("eval-files", "files", accuracy.path("files").fields(), rmBench);
    for (Map.Entry<String, EvalFigures.Matrix> entry : eval.matrices().entrySet()) {
      matrix(entry.getKey(), entry.getValue());
    }
  }

  private void groups(String id, String title, Iterator<Map.Entry<String, JsonNode>> groups, boolean rmBench) {
    html.append("<h3>").append(title).append("</h3><table id=\"").append(id).append("\"><tr><th class=\"name\">")
        .append("group</th>").append(rmBench ? "<th>prompts</th>" : "<th>records</th>")
        .append("<th>comparisons</th><th>correct</th><th>ties</th><th>excluded</th>")
        .append(rmBench ? "<th>hard</th><th>normal</th><th>easy</th><th>average</th>"
            : "<th>accuracy</th><th>95% interval</th>").append("</tr>");
    int shown = 0;
    int more = 0;
    while (groups.hasNext()) {
      Map.Entry<String, JsonNode> group = groups.next();
      if (shown++ >= ReportLimits.EVAL_GROUPS) {
        more++;
        continue;
      }
      JsonNode g = group.getValue();
      html.append("<tr data-group=\"").append(name(group.getKey())).append("\"><td class=\"name\">")
          .append(name(group.getKey())).append("</td><td>").append(g.path(rmBench ? "prompts" : "records").asLong())
          .append("</td><td>").append(g.path("comparisons").asLong()).append("</td><td>")
          .append(g.path("correct").asLong()).append("</td><td>").append(g.path("ties").asLong()).append("</td><td>")
          .append(g.path("excluded_comparisons").asLong()).append("</td>");
      if (rmBench) {
        for (String figure : List.of("hard", "normal", "easy", "average")) {
          cell(figure, g.path(figure));
        }
      } else {
        cell("accuracy", g.path("accuracy"));
        JsonNode interval = g.path("interval_95");
        html.append("<td>").append(interval.isArray() && interval.size() == 2
            ? Html.percent(fraction(interval.get(0))) + " – " + Html.percent(fraction(interval.get(1))) : "–")
            .append("</td>");
      }
      html.append("</tr>");
    }
    html.append("</table>");
    if (more > 0) {
      html.append("<p class=\"note\">and ").append(more).append(" more.</p>");
    }
  }

  private void cell(String figure, JsonNode value) {
    html.append("<td data-figure=\"").append(figure).append("\" data-value=\"")
        .append(value.isNumber() ? String.valueOf(value.asDouble()) : "").append("\">")
        .append(Html.percent(fraction(value))).append("</td>");
  }

  private void matrix(String domain, EvalFigures.Matrix matrix) {
    String[] styles = {"concise", "detailed", "markdown"};
    html.append("<h3>RM-Bench matrix: ").append(Html.text(domain)).append("</h3><p class=\"note\">Row i chosen,")
        .append(" column j rejected: the share of scored comparisons that the chosen response won. Above the")
        .append(" diagonal is hard, on it normal, below it easy.</p><table class=\"matrix\" data-domain=\"")
        .append(Html.text(domain)).append("\"><tr><th class=\"name\">chosen \\ rejected</th>");
    for (String style : styles) {
      html.append("<th>").append(style).append("</th>");
    }
    html.append("</tr>");
    for (int i = 0; i < 3; i++) {
      html.append("<tr><th class=\"name\">").append(styles[i]).append("</th>");
      for (int j = 0; j < 3; j++) {
        long n = matrix.comparisons()[i][j];
        long wins = matrix.wins()[i][j];
        html.append("<td data-i=\"").append(i).append("\" data-j=\"").append(j).append("\" data-wins=\"").append(wins)
            .append("\" data-comparisons=\"").append(n).append("\">")
            .append(n == 0 ? "–" : Html.percent((double) wins / n) + " (" + wins + "/" + n + ")").append("</td>");
      }
      html.append("</tr>");
    }
    html.append("</table>");
  }

  private static Double fraction(JsonNode value) {
    return value.isNumber() ? value.asDouble() : null;
  }

  private static String name(String value) {
    return Html.text(Html.cut(value, ReportLimits.NAME_CHARS));
  }
}

package dev.endoreward.report;

import java.util.List;
import java.util.Locale;

/** Hand-drawn SVG charts: no script, no external resource; each mark's values are in its hover title. */
final class Charts {
  private static final int WIDTH = 640;
  private static final int HEIGHT = 240;
  private static final int LEFT = 56;
  private static final int BOTTOM = 36;
  private static final int TOP = 12;
  private static final int RIGHT = 12;

  private Charts() {}

  /** A histogram; {@code id} names the chart for the page's tests and links. */
  static String histogram(String id, String xLabel, Histogram histogram) {
    StringBuilder svg = open(id, histogram.total());
    long[] counts = histogram.counts();
    long most = 1;
    for (long count : counts) {
      most = Math.max(most, count);
    }
    double barWidth = (double) (WIDTH - LEFT - RIGHT) / counts.length;
    double plotHeight = HEIGHT - TOP - BOTTOM;
    for (int i = 0; i < counts.length; i++) {
      double height = plotHeight * counts[i] / most;
      svg.append(String.format(Locale.ROOT,
          "<rect class=\"bar\" data-count=\"%d\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"><title>",
          counts[i], LEFT + i * barWidth, TOP + plotHeight - height, Math.max(barWidth - 1, 0.5), height));
      svg.append(Html.number(histogram.edge(i))).append(" to ").append(Html.number(histogram.edge(i + 1)))
          .append(": ").append(Html.count(counts[i])).append("</title></rect>");
    }
    axes(svg, xLabel, "rows", Html.number(histogram.low()), Html.number(histogram.high()), Html.count(most));
    return svg.append("</svg>").toString();
  }

  /** Reward against response length, one circle per plotted row. */
  static String scatter(String id, List<ScoredFigures.Point> points) {
    StringBuilder svg = open(id, points.size());
    double minX = Double.POSITIVE_INFINITY;
    double maxX = Double.NEGATIVE_INFINITY;
    double minY = Double.POSITIVE_INFINITY;
    double maxY = Double.NEGATIVE_INFINITY;
    for (ScoredFigures.Point p : points) {
      minX = Math.min(minX, p.responseTokens());
      maxX = Math.max(maxX, p.responseTokens());
      minY = Math.min(minY, p.reward());
      maxY = Math.max(maxY, p.reward());
    }
    double spanX = maxX > minX ? maxX - minX : 1;
    double spanY = maxY > minY ? maxY - minY : 1;
    for (ScoredFigures.Point p : points) {
      double x = LEFT + (WIDTH - LEFT - RIGHT) * (p.responseTokens() - minX) / spanX;
      double y = TOP + (HEIGHT - TOP - BOTTOM) * (1 - (p.reward() - minY) / spanY);
      svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\"><title>", x, y))
          .append(Html.text(p.id())).append(": ").append(p.responseTokens()).append(" tokens, reward ")
          .append(Html.number(p.reward())).append("</title></circle>");
    }
    if (!points.isEmpty()) {
      axes(svg, "response tokens", "reward", Html.number(minX), Html.number(maxX), Html.number(maxY));
      svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>", LEFT - 4,
          HEIGHT - BOTTOM, Html.number(minY)));
    }
    return svg.append("</svg>").toString();
  }

  private static StringBuilder open(String id, long marks) {
    return new StringBuilder(String.format(Locale.ROOT,
        "<svg id=\"%s\" data-marks=\"%d\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" role=\"img\">", id, marks,
        WIDTH, HEIGHT, WIDTH, HEIGHT));
  }

  private static void axes(StringBuilder svg, String xLabel, String yLabel, String low, String high, String top) {
    int baseline = HEIGHT - BOTTOM;
    svg.append(String.format(Locale.ROOT, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>", LEFT,
        baseline, WIDTH - RIGHT, baseline));
    svg.append(String.format(Locale.ROOT, "<line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>", LEFT, TOP,
        LEFT, baseline));
    svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>", LEFT, baseline + 14, low));
    svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>", WIDTH - RIGHT,
        baseline + 14, high));
    svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>",
        (LEFT + WIDTH) / 2, baseline + 30, Html.text(xLabel)));
    svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>", LEFT - 4, TOP + 10,
        top));
    svg.append(String.format(Locale.ROOT,
        "<text x=\"12\" y=\"%d\" transform=\"rotate(-90 12 %d)\" text-anchor=\"middle\">%s</text>",
        (TOP + baseline) / 2, (TOP + baseline) / 2, Html.text(yLabel)));
  }
}

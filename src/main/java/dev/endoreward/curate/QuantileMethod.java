package dev.endoreward.curate;

/** How {@code filter} finds the score at a top fraction's cut. */
public enum QuantileMethod {
  /** The {@code ceil(fraction * n)}-th highest score, by a sort. */
  EXACT,
  /** Spark's {@code approxQuantile}: the cut's rank is off by at most {@code filter.quantile-error * n}. */
  APPROXIMATE
}

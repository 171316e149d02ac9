package dev.endoreward.spark.config;

/** What to do when the output folder already exists. */
public enum OutputMode {
  /** Fail on the driver before any work. */
  ERROR_IF_EXISTS,
  /** Replace the scored and rejected outputs and the summary. */
  OVERWRITE,
  /** Add new files beside the existing ones; the summary describes the latest run. */
  APPEND
}

package dev.endoreward.spark.config;

/** What to do when the output folder already exists. */
public enum OutputMode {
  /** Fail on the driver before any work. */
  ERROR_IF_EXISTS,
  /** Replace every run in the folder with this one. */
  OVERWRITE,
  /** Add this run beside the folder's complete runs, if they were scored the same way. */
  APPEND
}

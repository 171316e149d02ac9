package dev.endoreward.spark.config;

/** How the input files are read. */
public enum InputFormat {
  /** Parquet or JSON Lines, chosen by the path's extension or, for a folder, by the files inside. */
  AUTO,
  /** Apache Parquet. */
  PARQUET,
  /** JSON Lines: one JSON object per line. */
  JSONL
}

package dev.endoreward.eval;

import java.util.Locale;

/** RM-Bench's domains and the files that hold them; the two safety files pool into one domain. */
enum RmBenchDomain {
  CHAT("chat_filtered.json"),
  CODE("code_filtered.json"),
  MATH("math_filtered.json"),
  SAFETY("safety-refuse_filtered.json", "safety-response_filtered.json");

  /** Responses per side of a record: concise, detailed, detailed with markdown. */
  static final int STYLES = 3;

  private final String[] files;

  RmBenchDomain(String... files) {
    this.files = files;
  }

  /** The domain's name in the output: chat, code, math, safety. */
  String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether {@code file} is one of RM-Bench's published files. */
  static boolean isBenchmarkFile(String file) {
    return domainOf(file) != null;
  }

  /** The domain of an RM-Bench file; see {@link #isBenchmarkFile}. */
  static RmBenchDomain ofFile(String file) {
    RmBenchDomain domain = domainOf(file);
    if (domain == null) {
      throw new IllegalArgumentException("it is not one of RM-Bench's files (" + fileNames() + ")");
    }
    return domain;
  }

  /** Every published file name, comma-separated. */
  static String fileNames() {
    StringBuilder names = new StringBuilder();
    for (RmBenchDomain domain : values()) {
      for (String file : domain.files) {
        names.append(names.length() == 0 ? "" : ", ").append(file);
      }
    }
    return names.toString();
  }

  private static RmBenchDomain domainOf(String file) {
    for (RmBenchDomain domain : values()) {
      for (String name : domain.files) {
        if (name.equals(file)) {
          return domain;
        }
      }
    }
    return null;
  }
}

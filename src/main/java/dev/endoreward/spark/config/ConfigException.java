package dev.endoreward.spark.config;

/** A configuration value that cannot be used, with the key it was given for. */
public final class ConfigException extends IllegalArgumentException {
  private final String key;

  public ConfigException(String key, String message) {
    super(message);
    this.key = key;
  }

  /** The key whose value was refused. */
  public String key() {
    return key;
  }
}

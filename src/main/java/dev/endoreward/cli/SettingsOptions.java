package dev.endoreward.cli;

import dev.endoreward.spark.config.ScoreConfigBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The options every command shares (a picocli mixin): the properties file, the {@code --set} assignments over
 * it, and {@code --verbose}.
 */
final class SettingsOptions {
  @Option(names = "--conf", paramLabel = "FILE",
      description = "Properties file of settings (default: conf/${COMMAND-NAME}.properties when present).")
  private Path conf;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "Sets one key, over the properties file; repeatable. An empty value unsets an optional key.")
  private List<String> assignments = new ArrayList<>();

  @Option(names = "--verbose", description = "Prints the stack trace of a failure too, not only its one line.")
  private boolean verbose;

  /** {@code conf/<command>.properties} under the installation folder when known, else under the working folder. */
  static Path defaultConfFile(String command) {
    String home = System.getProperty(Main.HOME_PROPERTY);
    Path file = Path.of("conf", command + ".properties");
    return home == null ? file : Path.of(home).resolve(file);
  }

  /**
   * A builder holding the keys' defaults, then {@code --conf} (or {@code defaultConfFile} when it exists), then
   * the {@code --set} assignments; the command adds its own flags over them.
   */
  ScoreConfigBuilder builder(Path defaultConfFile) {
    ScoreConfigBuilder builder = new ScoreConfigBuilder();
    if (conf != null) {
      builder.withFile(conf);
    } else if (Files.isRegularFile(defaultConfFile)) {
      builder.withFile(defaultConfFile);
    }
    return builder.withAssignments(assignments);
  }

  boolean verbose() {
    return verbose;
  }
}

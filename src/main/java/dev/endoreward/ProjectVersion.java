package dev.endoreward;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The project's version, as Maven built it, for provenance. */
public final class ProjectVersion {
  private static final String RESOURCE = "/dev/endoreward/version.properties";

  private ProjectVersion() {}

  public static String get() {
    try (InputStream in = ProjectVersion.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("Cannot read the project version: " + RESOURCE + " is not on the class path");
      }
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the project version", e);
    }
  }
}

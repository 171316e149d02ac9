package dev.endoreward;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.Properties;

/**
 * The project's version and the git commit it was built from, as Maven wrote them into the classes, for
 * provenance. The version comes from the pom (a filtered resource); the commit from a build in a git checkout,
 * and is absent otherwise, for instance in a build from a source archive.
 */
public final class ProjectVersion {
  private static final String VERSION_RESOURCE = "/dev/endoreward/version.properties";
  private static final String GIT_RESOURCE = "/dev/endoreward/git.properties";

  private ProjectVersion() {}

  /** The pom's version, e.g. {@code 0.1.0-SNAPSHOT}. */
  public static String get() {
    return read(VERSION_RESOURCE, true).getProperty("version");
  }

  /** The full id of the commit checked out when the classes were built, if they were built in a git checkout. */
  public static Optional<String> gitCommit() {
    String commit = read(GIT_RESOURCE, false).getProperty("git.commit.id.full");
    return Optional.ofNullable(commit).filter(id -> !id.isBlank());
  }

  private static Properties read(String resource, boolean required) {
    Properties properties = new Properties();
    try (InputStream in = ProjectVersion.class.getResourceAsStream(resource)) {
      if (in != null) {
        properties.load(in);
      } else if (required) {
        throw new IllegalStateException("Cannot read the project version: " + resource + " is not on the class path");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + resource, e);
    }
    String version = properties.getProperty("version");
    if (required && (version == null || version.startsWith("${"))) {
      throw new IllegalStateException("Cannot read the project version: " + resource + " holds " + version
          + ", not a version; build the classes with Maven, which filters it");
    }
    return properties;
  }
}

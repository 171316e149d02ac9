package dev.endoreward.spark;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;

/**
 * One file of a run's input as the run saw it ({@link InputListing} lists them). A run records the list, so that a resumed run can tell
 * whether its input changed and an append whether it was scored before.
 *
 * @param path the file's full URI
 * @param size its length in bytes
 * @param modified its modification time, milliseconds since the epoch
 */
record InputFile(@JsonProperty("path") String path, @JsonProperty("size") long size,
    @JsonProperty("modified") long modified) {

  /** The first difference between two listings, for a message; null when they are equal. */
  static String difference(List<InputFile> before, List<InputFile> now) {
    for (InputFile file : before) {
      InputFile current = now.stream().filter(f -> f.path.equals(file.path)).findFirst().orElse(null);
      if (current == null) {
        return file.path + " is gone";
      }
      if (!current.equals(file)) {
        return file.path + " was " + file.describe() + ", now " + current.describe();
      }
    }
    for (InputFile file : now) {
      if (before.stream().noneMatch(f -> f.path.equals(file.path))) {
        return file.path + " is new";
      }
    }
    return null;
  }

  private String describe() {
    return String.format("%,d bytes modified at %s", size, Instant.ofEpochMilli(modified));
  }
}

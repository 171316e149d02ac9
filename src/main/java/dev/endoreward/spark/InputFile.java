package dev.endoreward.spark;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * One file of a run's input as the run saw it. A run records the list, so that a resumed run can tell
 * whether its input changed and an append whether it was scored before.
 *
 * @param path the file's full URI
 * @param size its length in bytes
 * @param modified its modification time, milliseconds since the epoch
 */
record InputFile(@JsonProperty("path") String path, @JsonProperty("size") long size,
    @JsonProperty("modified") long modified) {

  /**
   * The files Spark reads for {@code input}, sorted by path. Each folder is listed once, rather than each
   * file asked for on its own, which on an object store is one request per file.
   */
  static List<InputFile> of(Dataset<Row> input, Configuration hadoop) {
    Map<Path, FileStatus> statuses = new HashMap<>();
    List<InputFile> files = new ArrayList<>();
    for (String name : input.inputFiles()) {
      try {
        FileSystem fs = new Path(name).getFileSystem(hadoop);
        Path path = fs.makeQualified(new Path(name)); // as listings name it
        if (!statuses.containsKey(path)) {
          for (FileStatus status : fs.listStatus(path.getParent())) {
            statuses.put(status.getPath(), status);
          }
        }
        FileStatus status = statuses.get(path);
        if (status == null) {
          throw new IOException("it is not listed in its folder");
        }
        files.add(new InputFile(name, status.getLen(), status.getModificationTime()));
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read the input file " + name + ": " + e.getMessage(), e);
      }
    }
    files.sort(Comparator.comparing(InputFile::path));
    return files;
  }

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

package dev.endoreward.spark;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The output folder of the {@code score} job, on any Hadoop file system, and the one place that knows its
 * layout:
 *
 * <pre>
 * _SUCCESS                                   written last: the folder is complete
 * _summary.json                              every finished run ({@link FolderSummary})
 * _runs/&lt;run_id&gt;/run.json                    what the run is ({@link RunRecord})
 * _runs/&lt;run_id&gt;/units/&lt;unit&gt;-attempt-&lt;n&gt;   the unit was committed, by attempt n
 * _runs/&lt;run_id&gt;/attempts/&lt;n&gt;.json           each attempt ({@link Attempt})
 * _runs/&lt;run_id&gt;/summary.json               the run, once finished ({@link RunSummary})
 * scored/run_id=&lt;run_id&gt;/unit=&lt;unit&gt;/       the unit's scored rows, zstd Parquet
 * rejected/run_id=&lt;run_id&gt;/unit=&lt;unit&gt;/     the unit's rejected rows
 * </pre>
 *
 * <p>Readers that discover Hive-style folders (Spark, DuckDB, pyarrow) see {@code run_id} and {@code unit}
 * as columns. A unit's rows count only once its marker exists; the marker is written after both of the
 * unit's writes have committed.
 */
final class OutputFolder {
  static final String SCORED = "scored";
  static final String REJECTED = "rejected";
  static final String SUCCESS = "_SUCCESS";
  static final String SUMMARY = "_summary.json";
  static final String RUNS = "_runs";

  private static final Pattern UNIT_MARKER = Pattern.compile("(\\d+)-attempt-(\\d+)");
  private static final Pattern UNIT_FOLDER = Pattern.compile("unit=(\\d+)");
  private static final Pattern ATTEMPT_FILE = Pattern.compile("\\d+\\.json");

  private final String dir;
  private final Path root;
  private final FileSystem fs;

  private OutputFolder(String dir, Path root, FileSystem fs) {
    this.dir = dir;
    this.root = root;
    this.fs = fs;
  }

  /** @throws IllegalArgumentException when the folder's file system cannot be reached */
  static OutputFolder open(Configuration hadoop, String dir) {
    Path root = new Path(dir);
    try {
      return new OutputFolder(dir, root, root.getFileSystem(hadoop));
    } catch (IOException e) {
      throw new IllegalArgumentException("Cannot check the output folder " + dir + ": " + e.getMessage(), e);
    }
  }

  /** The folder as configured. */
  String path() {
    return dir;
  }

  boolean exists() {
    return io("check", () -> fs.exists(root));
  }

  /**
   * The folder itself, or the nearest of its parents that exists, when that is a file: nothing can be written
   * there, whatever the mode. {@code null} when there is none; {@link #path()} when it is the folder itself.
   */
  String fileInTheWay() {
    return io("check", () -> {
      Path folder = fs.makeQualified(root);
      for (Path path = folder; path != null; path = path.getParent()) {
        try {
          if (fs.getFileStatus(path).isDirectory()) {
            return null;
          }
          return path.equals(folder) ? dir : path.toString();
        } catch (FileNotFoundException absent) {
          // Look at its parent.
        }
      }
      return null;
    });
  }

  boolean isEmpty() {
    return io("list", () -> !fs.exists(root) || fs.listStatus(root).length == 0);
  }

  boolean isComplete() {
    return io("check", () -> fs.exists(new Path(root, SUCCESS)));
  }

  /** The ids of the runs recorded here, oldest first. */
  List<String> runIds() {
    List<String> ids = new ArrayList<>();
    for (FileStatus status : list(new Path(root, RUNS))) {
      if (status.isDirectory()) {
        ids.add(status.getPath().getName());
      }
    }
    ids.sort(null);
    return ids;
  }

  /** @throws IllegalArgumentException when the summary is missing or unreadable */
  FolderSummary readSummary() {
    return readJson(new Path(root, SUMMARY), FolderSummary.class);
  }

  /** @throws IllegalArgumentException when the record is missing or unreadable */
  RunRecord readRun(String runId) {
    return readJson(runFile(runId, "run.json"), RunRecord.class);
  }

  void writeRun(RunRecord run) {
    writeText(runFile(run.runId(), "run.json"), RunJson.write(run));
  }

  /** @throws IllegalArgumentException when the summary is missing or unreadable */
  RunSummary readRunSummary(String runId) {
    return readJson(runFile(runId, "summary.json"), RunSummary.class);
  }

  void writeRunSummary(RunSummary summary) {
    writeText(runFile(summary.runId(), "summary.json"), RunJson.write(summary));
  }

  /** The committed units of a run, each with the attempt that committed it. */
  Map<Integer, Integer> committedUnits(String runId) {
    Map<Integer, Integer> units = new TreeMap<>();
    for (FileStatus status : list(runFile(runId, "units"))) {
      Matcher marker = UNIT_MARKER.matcher(status.getPath().getName());
      if (marker.matches()) {
        units.put(Integer.parseInt(marker.group(1)), Integer.parseInt(marker.group(2)));
      }
    }
    return units;
  }

  /** Records that {@code unit} is committed; call only once both of its writes have committed. */
  void markUnitCommitted(String runId, int unit, int attempt) {
    writeText(new Path(runFile(runId, "units"), unit + "-attempt-" + attempt), "");
  }

  /** The run's attempts, in order. */
  List<Attempt> attempts(String runId) {
    List<Attempt> attempts = new ArrayList<>();
    for (FileStatus status : list(runFile(runId, "attempts"))) {
      // Checksum files (.1.json.crc) lie beside them on local disks.
      if (ATTEMPT_FILE.matcher(status.getPath().getName()).matches()) {
        attempts.add(readJson(status.getPath(), Attempt.class));
      }
    }
    attempts.sort((a, b) -> Integer.compare(a.attempt(), b.attempt()));
    return attempts;
  }

  void writeAttempt(String runId, Attempt attempt) {
    writeText(new Path(runFile(runId, "attempts"), attempt.attempt() + ".json"), RunJson.write(attempt));
  }

  /** Where one unit's rows of {@code child} ({@link #SCORED} or {@link #REJECTED}) go. */
  String unitPath(String child, String runId, int unit) {
    return new Path(runPath(child, runId), "unit=" + unit).toString();
  }

  /** Where all of a run's rows of {@code child} are. */
  String runPath(String child, String runId) {
    return new Path(new Path(root, child), "run_id=" + runId).toString();
  }

  /**
   * Deletes what attempts left of the run's uncommitted units: their folders, partial files and committer
   * work folders (Hadoop's {@code _temporary}, the S3A magic committer's {@code __magic*}) inside them.
   */
  void deleteUncommittedUnits(String runId, Map<Integer, Integer> committed) {
    for (String child : List.of(SCORED, REJECTED)) {
      for (FileStatus status : list(new Path(runPath(child, runId)))) {
        Matcher unit = UNIT_FOLDER.matcher(status.getPath().getName());
        if (!unit.matches() || !committed.containsKey(Integer.parseInt(unit.group(1)))) {
          delete(status.getPath());
        }
      }
    }
  }

  /**
   * Starts writing: first {@code inProgress} replaces the summary, then {@code _SUCCESS} goes. In between
   * the folder is still complete, so at no moment does an incomplete folder have {@code _SUCCESS}, nor a
   * summary that says it is complete.
   */
  void begin(FolderSummary inProgress) {
    writeText(new Path(root, SUMMARY), RunJson.write(inProgress));
    delete(new Path(root, SUCCESS));
  }

  /** Deletes every run's records and rows, for an overwrite; call after {@link #begin}. */
  void deleteRuns() {
    for (String child : List.of(RUNS, SCORED, REJECTED)) {
      delete(new Path(root, child));
    }
  }

  /** Ends writing: the summary, then {@code _SUCCESS}, last. */
  void finish(FolderSummary summary) {
    writeText(new Path(root, SUMMARY), RunJson.write(summary));
    writeText(new Path(root, SUCCESS), "");
  }

  private Path runFile(String runId, String name) {
    return new Path(new Path(new Path(root, RUNS), runId), name);
  }

  private List<FileStatus> list(Path path) {
    return io("list", () -> {
      try {
        return List.of(fs.listStatus(path));
      } catch (FileNotFoundException e) {
        return List.of();
      }
    });
  }

  private void delete(Path path) {
    io("delete in", () -> fs.delete(path, true));
  }

  private void writeText(Path file, String text) {
    io("write", () -> {
      try (FSDataOutputStream out = fs.create(file, true)) {
        out.write(text.getBytes(StandardCharsets.UTF_8));
      }
      return null;
    });
  }

  private <T> T readJson(Path file, Class<T> type) {
    String text = io("read", () -> {
      try (InputStream in = fs.open(file)) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (FileNotFoundException e) {
        throw new IllegalArgumentException("Cannot read " + file + ": it does not exist", e);
      }
    });
    try {
      return RunJson.read(text, type);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private interface Io<T> {
    T run() throws IOException;
  }

  private <T> T io(String what, Io<T> action) {
    try {
      return action.run();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot " + what + " the output folder " + dir + ": " + e.getMessage(), e);
    }
  }
}

package dev.endoreward.spark;

import dev.endoreward.spark.config.InputFormat;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;

/**
 * The files an input path stands for, and their format, found on the driver before any Spark job. A
 * path is a file, a folder (read with its subfolders; names starting with {@code _} or {@code .} are left
 * out, as Spark and Hadoop do) or a glob. Every Parquet file's footer is read here, so that a file that is
 * not Parquet fails before scoring starts, naming it, and the rows they hold are known without a Spark job.
 *
 * @param format the format every file is read as
 * @param files the files, sorted by path, including empty ones (which hold no rows)
 * @param baseFolder the folder the path names, whose subfolders Spark reads as Hive-style partitions, or null
 * @param footerRows the rows the Parquet footers hold, which are the rows Spark reads from the files; empty for
 *     JSON Lines, whose rows are known only by reading their lines
 */
record InputListing(InputFormat format, List<FileStatus> files, String baseFolder, OptionalLong footerRows) {
  private static final int FOOTER_THREADS = 8;

  /**
   * Lists {@code path}.
   *
   * @param configured {@code input.format}; with {@code auto} the file names decide, and files named for
   *     another format are left out when it is set
   * @throws InputException "Cannot read input ..." when nothing matches, the formats are mixed or cannot
   *     be told, no file holds a row, or a Parquet footer cannot be read
   */
  static InputListing of(String path, InputFormat configured, Configuration hadoop) {
    List<FileStatus> found = new ArrayList<>();
    String baseFolder = null;
    try {
      Path pattern = new Path(path);
      FileSystem fs = pattern.getFileSystem(hadoop);
      FileStatus[] matches = fs.globStatus(pattern);
      if (matches == null || matches.length == 0) {
        throw new InputException("Cannot read input " + path + ": nothing matches");
      }
      for (FileStatus match : matches) {
        if (match.isDirectory()) {
          collect(fs, match, found);
        } else {
          found.add(match);
        }
      }
      if (matches.length == 1 && matches[0].isDirectory()) {
        baseFolder = matches[0].getPath().toString();
      }
    } catch (IOException e) {
      throw new InputException("Cannot read input " + path + ": " + e.getMessage(), e);
    }
    found.sort(Comparator.comparing(status -> status.getPath().toString()));
    if (found.isEmpty()) {
      throw new InputException("Cannot read input " + path + ": nothing matches (the folder holds no data files)");
    }
    InputFormat format = configured == InputFormat.AUTO ? detect(path, found) : configured;
    List<FileStatus> files = found.size() == 1 ? found : ofFormat(format, found);
    if (files.stream().allMatch(file -> file.getLen() == 0)) {
      throw new InputException("Cannot read input " + path + ": it holds no rows (every file is empty)");
    }
    files = List.copyOf(files);
    if (format != InputFormat.PARQUET) {
      return new InputListing(format, files, baseFolder, OptionalLong.empty());
    }
    long rows = checkFooters(files, hadoop);
    if (rows == 0) {
      throw new InputException("Cannot read input " + path + ": it holds no rows");
    }
    return new InputListing(format, files, baseFolder, OptionalLong.of(rows));
  }

  /** The files that hold bytes; Spark is given only these. */
  List<String> nonEmptyPaths() {
    return files.stream().filter(file -> file.getLen() > 0).map(file -> file.getPath().toString()).toList();
  }

  /** The listing a run records. */
  List<InputFile> inputFiles() {
    return files.stream().map(f -> new InputFile(name(f.getPath()), f.getLen(), f.getModificationTime())).toList();
  }

  /** A file's URI as Spark names input files ({@code file:///tmp/x}, not {@code file:/tmp/x}), as runs record them. */
  private static String name(Path path) {
    URI uri = path.toUri();
    return uri.getScheme() != null && uri.getRawAuthority() == null
        ? uri.getScheme() + "://" + uri.getRawPath()
        : uri.toString();
  }

  /** The format a file's name says, or null. */
  static InputFormat formatOfName(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".parquet")) {
      return InputFormat.PARQUET;
    }
    if (lower.endsWith(".jsonl") || lower.endsWith(".json") || lower.endsWith(".jsonl.gz") || lower.endsWith(".json.gz")) {
      return InputFormat.JSONL;
    }
    return null;
  }

  private static void collect(FileSystem fs, FileStatus folder, List<FileStatus> into) throws IOException {
    for (FileStatus status : fs.listStatus(folder.getPath())) {
      String name = status.getPath().getName();
      if (name.startsWith("_") || name.startsWith(".")) {
        continue;
      }
      if (status.isDirectory()) {
        collect(fs, status, into);
      } else {
        into.add(status);
      }
    }
  }

  /** The one format the (sorted) files are named for. */
  private static InputFormat detect(String path, List<FileStatus> files) {
    FileStatus parquet = null;
    FileStatus jsonl = null;
    for (FileStatus file : files) {
      InputFormat format = formatOfName(file.getPath().getName());
      if (format == InputFormat.PARQUET && parquet == null) {
        parquet = file;
      } else if (format == InputFormat.JSONL && jsonl == null) {
        jsonl = file;
      }
    }
    if (parquet != null && jsonl != null) {
      throw new InputException("Cannot read input " + path + ": it mixes Parquet (" + parquet.getPath() + ") and JSON Lines ("
          + jsonl.getPath() + ") files; set input.format to read one kind only");
    }
    if (parquet == null && jsonl == null) {
      List<String> names = files.stream().limit(5).map(file -> file.getPath().getName()).toList();
      throw new InputException("Cannot read input " + path + ": cannot tell its format (files: " + String.join(", ", names)
          + (files.size() > names.size() ? ", ..." : "") + "); name files *.parquet, *.jsonl or *.json, or set input.format");
    }
    return parquet != null ? InputFormat.PARQUET : InputFormat.JSONL;
  }

  /** The files that are not named for another format than {@code format}. */
  private static List<FileStatus> ofFormat(InputFormat format, List<FileStatus> files) {
    return files.stream().filter(file -> {
      InputFormat named = formatOfName(file.getPath().getName());
      return named == null || named == format;
    }).toList();
  }

  /** Reads every non-empty file's footer, a few at once; gives the rows they hold. */
  private static long checkFooters(List<FileStatus> files, Configuration hadoop) {
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(FOOTER_THREADS, Math.max(1, files.size())), task -> {
      Thread thread = new Thread(task, "endoreward-parquet-footer");
      thread.setDaemon(true);
      return thread;
    });
    try {
      List<Future<Long>> rows = new ArrayList<>();
      for (FileStatus file : files) {
        if (file.getLen() > 0) {
          rows.add(pool.submit(() -> rowsOf(file, hadoop)));
        }
      }
      long total = 0;
      for (Future<Long> count : rows) {
        total += count.get();
      }
      return total;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof InputException input) {
        throw input;
      }
      throw new IllegalStateException("Cannot read the input's Parquet footers: " + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Cannot read the input's Parquet footers: interrupted", e);
    } finally {
      pool.shutdownNow();
    }
  }

  private static long rowsOf(FileStatus file, Configuration hadoop) {
    try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromStatus(file, hadoop))) {
      return reader.getRecordCount();
    } catch (IOException | RuntimeException e) {
      throw new InputException("Cannot read input " + file.getPath() + ": " + e.getMessage(), e);
    }
  }
}

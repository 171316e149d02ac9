package dev.endoreward.eval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.endoreward.spark.InputException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * Preference data read on the driver, from a file or a folder of files on any Hadoop file system. A file is
 * a JSON array of objects, JSON Lines ({@code .jsonl}, or {@code .json} that does not start with {@code [}),
 * either of them gzipped ({@code .gz}), or Parquet (read with Spark). In a folder, the data files are read
 * in name order; names starting with {@code _} or {@code .} are not data; for RM-Bench only its five
 * published files are, and the others are listed as ignored.
 *
 * @param records every record, file by file, in file order
 * @param files the names of the files read
 * @param ignored the names of the folder's other files
 */
record PreferenceData(List<PreferenceRecord> records, List<String> files, List<String> ignored) {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> EXTENSIONS = List.of(".json", ".jsonl", ".json.gz", ".jsonl.gz", ".parquet");

  /**
   * Reads {@code path} in {@code format}, at most {@code limit} records of each file (0: all).
   *
   * @throws InputException "Cannot read input ..." when the path holds no data file, a file cannot be
   *     parsed, a record lacks what its format has, or two records share an id
   */
  static PreferenceData read(SparkSession spark, String path, PreferenceFormat format, int limit) {
    Path root = new Path(path);
    List<Path> data = new ArrayList<>();
    List<String> ignored = new ArrayList<>();
    FileSystem fs;
    try {
      fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(root)) {
        throw new InputException("Cannot read input " + path + ": it does not exist");
      }
      if (fs.getFileStatus(root).isDirectory()) {
        FileStatus[] children = fs.listStatus(root);
        Arrays.sort(children);
        for (FileStatus child : children) {
          String name = child.getPath().getName();
          if (!child.isFile() || name.startsWith("_") || name.startsWith(".")) {
            continue;
          }
          if (isData(name, format)) {
            data.add(new Path(root, name)); // as the user wrote it, for messages
          } else {
            ignored.add(name);
          }
        }
        if (data.isEmpty()) {
          throw new InputException("Cannot read input " + path + ": the folder holds no data file; "
              + expected(format));
        }
      } else if (isData(root.getName(), format)) {
        data.add(root);
      } else {
        throw new InputException("Cannot read input " + path + ": " + expected(format));
      }
    } catch (IOException e) {
      throw new InputException("Cannot read input " + path + ": " + e.getMessage(), e);
    }
    List<PreferenceRecord> records = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (Path file : data) {
      String name = file.getName();
      List<JsonNode> objects = objects(spark, fs, file, limit);
      for (int i = 0; i < objects.size(); i++) {
        PreferenceRecord record;
        try {
          if (!objects.get(i).isObject()) {
            throw new IllegalArgumentException("it is not a JSON object");
          }
          record = format.parse(name, i, objects.get(i));
        } catch (IllegalArgumentException e) {
          throw new InputException("Cannot read input " + file + ": record " + (i + 1) + ": " + e.getMessage()
              + " (eval.format=" + EvalKeys.FORMAT.write(format) + ")", e);
        }
        if (!ids.add(record.id())) {
          throw new InputException("Cannot read input " + file + ": record " + (i + 1) + " has the id of an earlier"
              + " one (" + record.id() + "); ids must be unique within a file");
        }
        records.add(record);
      }
    }
    return new PreferenceData(records, data.stream().map(Path::getName).toList(), ignored);
  }

  /** The first {@code limit} (0: all) JSON values of a file. */
  private static List<JsonNode> objects(SparkSession spark, FileSystem fs, Path file, int limit) {
    int max = limit == 0 ? Integer.MAX_VALUE : limit;
    List<JsonNode> objects = new ArrayList<>();
    try {
      if (file.getName().endsWith(".parquet")) {
        for (String line : spark.read().parquet(file.toString()).limit(max).toJSON().collectAsList()) {
          objects.add(JSON.readTree(line));
        }
        return objects;
      }
      try (InputStream raw = fs.open(file);
          InputStream in = file.getName().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
          BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        reader.mark(1 << 16);
        int first;
        do {
          first = reader.read();
        } while (first != -1 && Character.isWhitespace(first));
        reader.reset();
        if (first == '[') {
          Iterator<JsonNode> values = JSON.readTree(reader).elements();
          while (values.hasNext() && objects.size() < max) {
            objects.add(values.next());
          }
          return objects;
        }
        int lineNumber = 0;
        for (String line = reader.readLine(); line != null && objects.size() < max; line = reader.readLine()) {
          lineNumber++;
          if (!line.isBlank()) {
            try {
              objects.add(JSON.readTree(line));
            } catch (JsonProcessingException e) {
              throw new InputException("Cannot read input " + file + ": line " + lineNumber + " is not JSON ("
                  + e.getOriginalMessage() + ")", e);
            }
          }
        }
        return objects;
      }
    } catch (IOException e) {
      throw new InputException("Cannot read input " + file + ": " + e.getMessage(), e);
    }
  }

  private static boolean isData(String name, PreferenceFormat format) {
    return format == PreferenceFormat.RM_BENCH ? RmBenchDomain.isBenchmarkFile(name)
        : EXTENSIONS.stream().anyMatch(name::endsWith);
  }

  private static String expected(PreferenceFormat format) {
    return format == PreferenceFormat.RM_BENCH ? "RM-Bench's files are " + RmBenchDomain.fileNames()
        : "expected .json, .jsonl (optionally .gz) or .parquet files";
  }
}

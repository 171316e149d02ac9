package dev.endoreward.spark;

import java.io.IOException;
import java.io.InputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.hadoop.util.LineReader;

/**
 * Line numbers in a text file, counted as Hadoop's {@code TextInputFormat} splits lines ({@code \n},
 * {@code \r\n} or {@code \r}). Only a line that cannot be read needs its number, so a split counts the
 * lines before its first record once, when its first bad line comes, by reading the file from its start.
 */
final class LineNumbers {
  private LineNumbers() {}

  /** How many lines of {@code file} start before byte {@code offset} (of the decompressed text). */
  static long linesBefore(Path file, long offset, Configuration hadoop) throws IOException {
    if (offset == 0) {
      return 0;
    }
    FileSystem fs = file.getFileSystem(hadoop);
    CompressionCodec codec = new CompressionCodecFactory(hadoop).getCodec(file);
    try (InputStream raw = fs.open(file);
        InputStream in = codec == null ? raw : codec.createInputStream(raw)) {
      LineReader lines = new LineReader(in, hadoop);
      Text line = new Text();
      long position = 0;
      long count = 0;
      while (position < offset) {
        int consumed = lines.readLine(line, Integer.MAX_VALUE, Integer.MAX_VALUE);
        if (consumed == 0) {
          break;
        }
        position += consumed;
        count++;
      }
      return count;
    }
  }
}

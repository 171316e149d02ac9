package dev.endoreward.spark;

import dev.endoreward.spark.config.InputColumns;
import dev.endoreward.spark.config.InputConfig;
import dev.endoreward.spark.config.MalformedPolicy;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.InputSplit;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.lib.input.FileInputFormat;
import org.apache.hadoop.mapreduce.lib.input.FileSplit;
import org.apache.hadoop.mapreduce.lib.input.TextInputFormat;
import org.apache.spark.api.java.JavaNewHadoopRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;
import scala.Tuple2;

/**
 * JSON Lines input (plain or {@code .gz}) read line by line through Hadoop's {@code TextInputFormat}, so
 * that every row knows its file and the byte offset of its line, and a line that cannot be read is named
 * by file and line number. Each line is checked ({@link JsonLineCheck}) before Spark parses it; the
 * schema is inferred by Spark over the lines that pass. Blank lines are not rows and are skipped.
 */
final class JsonLinesInput {
  /** How much of a bad line a rejected row's detail keeps. */
  static final int KEPT_CHARS = 1_000;

  private static final String TEXT = "text";
  private static final StructType LINES = new StructType()
      .add(TEXT, DataTypes.StringType)
      .add(SourceColumns.FILE, DataTypes.StringType)
      .add(SourceColumns.POSITION, DataTypes.LongType)
      .add(SourceColumns.REJECT_REASON, DataTypes.StringType)
      .add(SourceColumns.REJECT_DETAIL, DataTypes.StringType);

  private JsonLinesInput() {}

  /**
   * The rows of {@code listing}'s files: the input columns Spark infers, then the hidden source columns.
   * Infers the schema, which reads every line once.
   */
  static Dataset<Row> open(SparkSession spark, InputListing listing, InputConfig input) {
    JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
    JavaNewHadoopRDD<LongWritable, Text> records = lines(context, listing);
    Broadcast<SerializableConfiguration> hadoop = context.broadcast(
        new SerializableConfiguration(spark.sparkContext().hadoopConfiguration()));
    JavaRDD<Row> lines = records.mapPartitionsWithInputSplit(
        new ReadSplit(new JsonLineCheck(input.columns()), input.onMalformed(), hadoop), true);
    Dataset<Row> checked = spark.createDataFrame(lines, LINES);

    StructType schema = spark.read()
        .json(checked.filter(functions.col(SourceColumns.REJECT_REASON).isNull()).select(TEXT).as(Encoders.STRING()))
        .schema();
    if (schema.isEmpty()) {
      if (checked.isEmpty()) {
        throw new InputException("Cannot read input " + input.path() + ": it holds no rows (only blank lines)");
      }
      schema = configuredSchema(input.columns()); // no line can be read: each is a rejected row
    }
    return checked.select(
        functions.from_json(functions.col(TEXT), schema, Map.of("mode", "FAILFAST")).as("row"),
        functions.col(SourceColumns.FILE), functions.col(SourceColumns.POSITION),
        functions.col(SourceColumns.REJECT_REASON), functions.col(SourceColumns.REJECT_DETAIL))
        .select(columns(schema));
  }

  /**
   * The rows {@link #open} reads from {@code listing}'s files: their lines that are not blank, each a scored or
   * a rejected row. One Spark job that reads the lines and parses none of them.
   */
  static long countRows(SparkSession spark, InputListing listing) {
    return lines(JavaSparkContext.fromSparkContext(spark.sparkContext()), listing)
        .filter(record -> !JsonLineCheck.isBlank(record._2().getBytes(), record._2().getLength()))
        .count();
  }

  /** The lines of {@code listing}'s non-empty files, keyed by their byte offsets. */
  @SuppressWarnings("unchecked")
  private static JavaNewHadoopRDD<LongWritable, Text> lines(JavaSparkContext context, InputListing listing) {
    Job job;
    try {
      job = Job.getInstance(context.hadoopConfiguration());
      FileInputFormat.setInputPaths(job, listing.nonEmptyPaths().stream().map(Path::new).toArray(Path[]::new));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return (JavaNewHadoopRDD<LongWritable, Text>) context.newAPIHadoopRDD(
        job.getConfiguration(), TextInputFormat.class, LongWritable.class, Text.class);
  }

  /** The configured columns with their documented types, for input none of whose lines can be read. */
  private static StructType configuredSchema(InputColumns columns) {
    StructType schema = new StructType().add(columns.id(), DataTypes.StringType);
    if (columns.messagesForm()) {
      schema = schema.add(columns.messages(), DataTypes.createArrayType(
          new StructType().add("role", DataTypes.StringType).add("content", DataTypes.StringType)));
    } else {
      schema = schema.add(columns.prompt(), DataTypes.StringType).add(columns.response(), DataTypes.StringType);
    }
    for (String column : new String[] {columns.system(), columns.promptId()}) {
      if (column != null) {
        schema = schema.add(column, DataTypes.StringType);
      }
    }
    return schema;
  }

  private static Column[] columns(StructType schema) {
    Column[] columns = new Column[schema.size() + 4];
    for (int i = 0; i < schema.size(); i++) {
      columns[i] = functions.col("row").getField(schema.fields()[i].name()).as(schema.fields()[i].name());
    }
    columns[schema.size()] = functions.col(SourceColumns.FILE);
    columns[schema.size() + 1] = functions.col(SourceColumns.POSITION);
    columns[schema.size() + 2] = functions.col(SourceColumns.REJECT_REASON);
    columns[schema.size() + 3] = functions.col(SourceColumns.REJECT_DETAIL);
    return columns;
  }

  /** Reads one split's lines into rows of {@link #LINES}, skipping blank lines. */
  private static final class ReadSplit
      implements Function2<InputSplit, Iterator<Tuple2<LongWritable, Text>>, Iterator<Row>>, Serializable {
    private static final long serialVersionUID = 1L;
    private final JsonLineCheck check;
    private final MalformedPolicy policy;
    private final Broadcast<SerializableConfiguration> hadoop;

    ReadSplit(JsonLineCheck check, MalformedPolicy policy, Broadcast<SerializableConfiguration> hadoop) {
      this.check = check;
      this.policy = policy;
      this.hadoop = hadoop;
    }

    @Override
    public Iterator<Row> call(InputSplit split, Iterator<Tuple2<LongWritable, Text>> records) {
      return new SplitLines(((FileSplit) split).getPath(), records);
    }

    private final class SplitLines implements Iterator<Row> {
      private final Path file;
      private final String fileName;
      private final Iterator<Tuple2<LongWritable, Text>> records;
      private long firstOffset = -1;
      private long linesBeforeSplit = -1;
      private long index = -1;
      private Row next;

      SplitLines(Path file, Iterator<Tuple2<LongWritable, Text>> records) {
        this.file = file;
        this.fileName = file.toString();
        this.records = records;
      }

      @Override
      public boolean hasNext() {
        while (next == null && records.hasNext()) {
          Tuple2<LongWritable, Text> record = records.next();
          index++;
          long offset = record._1().get();
          if (firstOffset < 0) {
            firstOffset = offset;
          }
          next = read(offset, record._2());
        }
        return next != null;
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        Row row = next;
        next = null;
        return row;
      }

      /** The line's row, or null for a blank line. */
      private Row read(long offset, Text line) {
        byte[] bytes = line.getBytes();
        int length = line.getLength();
        if (JsonLineCheck.isBlank(bytes, length)) {
          return null;
        }
        String text = JsonLineCheck.decode(bytes, length);
        JsonLineCheck.Problem problem = text == null ? JsonLineCheck.invalidUtf8(bytes, length) : check.check(text);
        if (problem == null) {
          return RowFactory.create(text, fileName, offset, null, null);
        }
        String where = fileName + ", line " + lineNumber();
        if (policy == MalformedPolicy.FAIL) {
          throw new InputException("Cannot read input " + where + ": " + problem.why());
        }
        String raw = text != null ? text : new String(bytes, 0, length, StandardCharsets.UTF_8);
        return RowFactory.create(null, fileName, offset, problem.reason().name(),
            where + ": " + problem.why() + "; " + excerpt(raw, text == null));
      }

      private long lineNumber() {
        if (linesBeforeSplit < 0) {
          try {
            linesBeforeSplit = LineNumbers.linesBefore(file, firstOffset, hadoop.value().value());
          } catch (IOException e) {
            throw new UncheckedIOException("Cannot count the lines of " + fileName + ": " + e.getMessage(), e);
          }
        }
        return linesBeforeSplit + index + 1;
      }
    }
  }

  /** The start of a bad line, for its rejected row. */
  static String excerpt(String raw, boolean replaced) {
    String shown = replaced ? " (bytes that are not UTF-8 shown as U+FFFD)" : "";
    if (raw.length() <= KEPT_CHARS) {
      return "the line" + shown + ": " + raw;
    }
    int end = Character.isHighSurrogate(raw.charAt(KEPT_CHARS - 1)) ? KEPT_CHARS - 1 : KEPT_CHARS; // keep pairs whole
    return String.format("the line's first %,d of %,d characters%s: %s", end, raw.length(), shown,
        raw.substring(0, end));
  }
}

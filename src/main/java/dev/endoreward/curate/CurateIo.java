package dev.endoreward.curate;

import dev.endoreward.spark.config.OutputMode;
import java.io.Serializable;

/**
 * Where a curation command reads and writes.
 *
 * @param input a complete {@code score} output folder
 * @param output the folder to write
 * @param mode what to do when the output folder exists ({@link OutputMode#APPEND} is refused)
 */
public record CurateIo(String input, String output, OutputMode mode) implements Serializable {}

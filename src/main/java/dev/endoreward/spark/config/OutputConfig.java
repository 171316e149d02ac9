package dev.endoreward.spark.config;

import java.io.Serializable;

/**
 * Where and what the job writes.
 *
 * @param path the output folder on any Hadoop file system
 * @param mode what to do when the folder exists
 * @param resume whether to continue the folder's incomplete run instead, whatever the mode
 * @param tokenLevel whether the per-token arrays are written
 * @param promptTokenIds whether the full prompt token ids are written
 */
public record OutputConfig(String path, OutputMode mode, boolean resume, boolean tokenLevel, boolean promptTokenIds)
    implements Serializable {}

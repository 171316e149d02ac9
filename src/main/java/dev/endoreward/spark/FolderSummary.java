package dev.endoreward.spark;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * {@code _summary.json}: every finished run in the output folder, oldest first. It is rewritten when a run
 * starts, saying {@code complete: false} and naming the run in progress, and again when it ends, just before
 * {@code _SUCCESS}; {@code _SUCCESS} alone says the folder is complete.
 *
 * @param outputPath the output folder
 * @param complete whether every run in the folder has finished
 * @param inProgress the run being written, or null
 * @param runs the finished runs
 */
record FolderSummary(
    @JsonProperty("output_path") String outputPath,
    @JsonProperty("complete") boolean complete,
    @JsonProperty("in_progress") String inProgress,
    @JsonProperty("runs") List<RunSummary> runs) {}

"""Prints the benchmarks' result tables from the JSON files the benchmark scripts leave behind.

    jobs/python.sh src/test/python/bench/tables.py engine <build>/bench/engine
    jobs/python.sh src/test/python/bench/tables.py score <build>/bench/score

engine: ``java.json`` (EngineBenchmark) and ``python.json`` (eager_forward.py).
score: ``engine.json`` (EngineBenchmark with the job's cores and task split) and, for the engine and each
job run ``<name>``, ``<name>.process.json`` (peak RSS, wall time and load average, from jobs/bench-score.sh),
plus each job's ``<name>/_summary.json``.
"""

import json
import os
import sys

JOB_TARGET = 0.85
"""The score job should reach this fraction of the engine's tokens/s."""
PADDING_TARGET = 0.05
"""Padded tokens over all computed tokens, with length bucketing, at most this."""
MIB = 2 ** 20


def read(folder, name):
    with open(os.path.join(folder, name), encoding="utf-8") as f:
        return json.load(f)


def table(header, rows):
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows)]
    lines = ["| " + " | ".join(str(cell).ljust(width) for cell, width in zip(header, widths)) + " |",
             "|" + "|".join("-" * (width + 2) for width in widths) + "|"]
    # names left, figures right
    lines += ["| " + " | ".join(str(cell).ljust(width) if i == 0 else str(cell).rjust(width)
                                for i, (cell, width) in enumerate(zip(row, widths))) + " |" for row in rows]
    return "\n".join(lines)


def engine_report(folder):
    java = read(folder, "java.json")
    python = read(folder, "python.json")
    tokens = java["prompt_tokens"] + java["response_tokens"]
    if python["tokens"] != tokens:
        raise SystemExit(f"Cannot compare the runs: Java scored {tokens} tokens, Python replayed {python['tokens']}")
    rows = [
        ["Java engine, end to end (encode, batch, forward, reward)", f"{java['seconds']:.2f}",
         f"{java['tokens_per_second']:,.0f}", f"{java['cold_tokens_per_second']:,.0f}",
         f"{java['peak_rss_bytes'] / MIB:,.0f}"],
        ["Java engine, forward passes only", f"{java['forward_seconds']:.2f}",
         f"{java['forward_tokens_per_second']:,.0f}", "", ""],
        ["eager PyTorch, same batches (logits, logsumexp, gather)", f"{python['seconds']:.2f}",
         f"{python['tokens_per_second']:,.0f}", f"{python['cold_tokens_per_second']:,.0f}",
         f"{python['peak_rss_bytes'] / MIB:,.0f}"],
    ]
    print()
    print(f"Engine benchmark: {java['pairs']} pairs ({java['rows_scored']} scored, {java['rows_rejected']} rejected),"
          f" {tokens:,} prompt + response tokens, {java['padded_tokens']:,} padded"
          f" ({100 * java['padding_fraction']:.2f}%), {java['batches']} batches,"
          f" {java['threads']} intra-op threads, Java on PyTorch (DJL) vs eager torch {python['torch_version']}")
    print(table(["run (second pass timed)", "seconds", "tokens/s", "first-pass tokens/s", "peak RSS MiB"], rows))
    print(f"Java / Python tokens/s: end to end {java['tokens_per_second'] / python['tokens_per_second']:.2f},"
          f" forward only {java['forward_tokens_per_second'] / python['tokens_per_second']:.2f}")


SCORE_RUNS = ("job-10x-sorted", "job-10x-unsorted", "memory-1x", "memory-10x")
"""The score benchmark's job runs; the first runs the same pairs and batching as the engine alone."""


def score_report(folder):
    engine = read(folder, "engine.json")
    engine_process = read(folder, "engine.process.json")
    engine_tps = engine["tokens_per_second"]
    summaries = {name: run_summary(read(folder, os.path.join(name, "_summary.json"))) for name in SCORE_RUNS}
    processes = {name: read(folder, name + ".process.json") for name in SCORE_RUNS}
    print()
    print(f"Engine alone on the 10x pairs: {engine['scorers']} scorer threads x {engine['threads']} intra-op"
          f" thread(s), {engine['prompt_tokens'] + engine['response_tokens']:,} tokens, {engine_tps:,.0f} tokens/s"
          f" ({engine['seconds']:.1f} s) after a first pass at {engine['cold_tokens_per_second']:,.0f} tokens/s"
          f" ({engine['cold_seconds']:.1f} s), {100 * engine['padding_fraction']:.2f}% padding,"
          f" peak RSS {engine['peak_rss_bytes'] / MIB:,.0f} MiB,"
          f" load average {engine_process['load_average_before']:.2f} before")
    rows = []
    for name in SCORE_RUNS:
        summary, process = summaries[name], processes[name]
        tokens = summary["prompt_tokens"] + summary["response_tokens"]
        same_work = name == SCORE_RUNS[0]
        rows.append([
            name, summary["config"]["batch.max-tokens"], summary["config"]["batch.sort-by-length"],
            f"{summary['rows_in']:,}", f"{summary['rows_scored']:,}", f"{tokens:,}",
            f"{summary['padded_tokens']:,}", f"{100 * summary['padding_fraction']:.2f}%",
            f"{summary['wall_seconds']:.1f}", f"{summary['tokens_per_second']:,.0f}",
            f"{summary['tokens_per_second'] / engine_tps:.2f}" if same_work else "-",
            f"{summary['tokens_per_second'] / engine['cold_tokens_per_second']:.2f}" if same_work else "-",
            f"{process['seconds']:.1f}", f"{process['peak_rss_kib'] / 1024:,.0f}",
            f"{process['load_average_before']:.2f}"])
    print(table(["run", "max-tokens", "sorted", "rows in", "scored", "tokens", "padded", "padding", "job s",
                 "job tokens/s", "job / engine", "job / engine first pass", "process s", "peak RSS MiB",
                 "load before"], rows))

    sorted_10x, unsorted_10x = summaries["job-10x-sorted"], summaries["job-10x-unsorted"]
    ratio = sorted_10x["tokens_per_second"] / engine_tps
    rss_1x, rss_10x = processes["memory-1x"]["peak_rss_kib"], processes["memory-10x"]["peak_rss_kib"]
    print(f"Throughput: job / engine alone = {ratio:.2f} on the 10x pairs (target >= {JOB_TARGET:.2f}:"
          f" {verdict(ratio >= JOB_TARGET)}); job / the engine's first pass ="
          f" {sorted_10x['tokens_per_second'] / engine['cold_tokens_per_second']:.2f}")
    print(f"Padding on the 10x pairs: {100 * sorted_10x['padding_fraction']:.2f}% with length bucketing,"
          f" {100 * unsorted_10x['padding_fraction']:.2f}% without (target <= {100 * PADDING_TARGET:.0f}% with:"
          f" {verdict(sorted_10x['padding_fraction'] <= PADDING_TARGET)})")
    print(f"Peak RSS of the Spark JVM ({processes['memory-1x']['java_opts']}, batch.max-tokens"
          f" {summaries['memory-1x']['config']['batch.max-tokens']}): {rss_1x / 1024:,.0f} MiB at 1x"
          f" ({summaries['memory-1x']['rows_in']:,} rows), {rss_10x / 1024:,.0f} MiB at 10x"
          f" ({summaries['memory-10x']['rows_in']:,} rows): {rss_10x / rss_1x:.2f}x")


def run_summary(folder_summary):
    """The only run of a score job's _summary.json, with the figures of its last attempt beside its counts."""
    (run,) = folder_summary["runs"]
    return {**run, **run["attempts"][-1]}


def verdict(met):
    return "met" if met else "MISSED"


def main(argv):
    if len(argv) == 2 and argv[0] == "engine":
        engine_report(argv[1])
    elif len(argv) == 2 and argv[0] == "score":
        score_report(argv[1])
    else:
        raise SystemExit("usage: tables.py engine DIR | tables.py score DIR")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

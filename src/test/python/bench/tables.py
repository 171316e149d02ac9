"""Prints the benchmarks' result tables from the JSON files the benchmark scripts leave behind.

    jobs/python.sh src/test/python/bench/tables.py engine <build>/bench/engine
    jobs/python.sh src/test/python/bench/tables.py score <build>/bench/score
    jobs/python.sh src/test/python/bench/tables.py alloc <build>/bench/alloc
    jobs/python.sh src/test/python/bench/tables.py anchors <build>/bench/anchors
    jobs/python.sh src/test/python/bench/tables.py budget <build>/bench/budget

engine: ``java.json`` (EngineBenchmark) and ``python.json`` (eager_forward.py).
score: ``engine.json`` (EngineBenchmark with the job's cores and task split) and, for the engine and each
job run ``<name>``, ``<name>.process.json`` (peak RSS, wall time and load average, from jobs/bench-score.sh),
plus each job's ``<name>/_summary.json``.
alloc: for each allocator setting ``<name>`` and round ``<r>`` (jobs/bench-alloc.sh), ``<name>-<r>.json``
(EngineBenchmark), ``<name>-<r>.time.json`` (/usr/bin/time) and ``<name>-<r>.run.json`` (load, environment).
anchors: per model ``<model>`` (stories, qwen2-<size>), ``engine-<model>.json`` (EngineBenchmark),
``hf-<model>.json`` (anchors.py), for stories ``llama-cpp-stories.json`` (llama_cpp_anchor.py) and the job's
``job-stories/_summary.json``, and ``<step>.load``, the load average before each step (jobs/bench-anchors.sh).
budget: for each batch.max-tokens ``<b>`` and round ``<r>`` (jobs/bench-budget.sh), ``<b>-<r>.json``
(EngineBenchmark) and ``<b>-<r>.run.json`` (the load average before it).
"""

import json
import os
import re
import statistics
import sys

JOB_TARGET = 0.9
"""The score job should reach this fraction of the engine's tokens/s."""
PADDING_TARGET = 0.03
"""Padded tokens over all computed tokens, with length bucketing, at most this."""
ENGINE_OVER_HF_TARGET = 1.5
"""The engine should score this many times the tokens/s of a Hugging Face scoring script on the same model."""
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
          f" {summaries['memory-1x']['config']['batch.max-tokens']}, job.unit-rows"
          f" {summaries['memory-1x']['config']['job.unit-rows']}): {rss_1x / 1024:,.0f} MiB at 1x"
          f" ({summaries['memory-1x']['rows_in']:,} rows), {rss_10x / 1024:,.0f} MiB at 10x"
          f" ({summaries['memory-10x']['rows_in']:,} rows): {rss_10x / rss_1x:.2f}x")


def alloc_report(folder):
    runs = {}
    for file in sorted(os.listdir(folder)):
        match = re.fullmatch(r"(.+)-(\d+)\.json", file)
        if match:
            name, run = match.group(1), match.group(0)[:-len(".json")]
            runs.setdefault(name, []).append(
                {**read(folder, file), **read(folder, run + ".time.json"), **read(folder, run + ".run.json")})
    first = read(folder, next(f for f in sorted(os.listdir(folder)) if re.fullmatch(r".+-\d+\.json", f)))
    plain = statistics.median(r["tokens_per_second"] for r in runs["plain"])
    rows = []
    for name, results in sorted(runs.items(), key=lambda item: item[0] != "plain"):
        tokens_per_second = statistics.median(r["tokens_per_second"] for r in results)
        rows.append([name, len(results), f"{tokens_per_second:,.0f}", f"{tokens_per_second / plain:.2f}",
                     f"{statistics.median(r['cold_tokens_per_second'] for r in results):,.0f}",
                     f"{statistics.median(r['user_seconds'] for r in results):.1f}",
                     f"{statistics.median(r['kernel_seconds'] for r in results):.1f}",
                     f"{statistics.median(r['max_rss_kib'] for r in results) / 1024:,.0f}",
                     " ".join(f"{r['load_average_before']:.2f}" for r in results)])
    print()
    print(f"Allocator benchmark: {first['pairs']} pairs, {first['prompt_tokens'] + first['response_tokens']:,}"
          f" prompt + response tokens, {first['threads']} intra-op threads; medians over the rounds"
          f" (process CPU seconds cover both passes and the start)")
    print(table(["setting", "runs", "tokens/s", "/ plain", "first-pass tokens/s", "user s", "kernel s",
                 "peak RSS MiB", "load before each run"], rows))
    for name, results in runs.items():
        print(f"  {name}: {results[0]['environment']}")


def budget_report(folder):
    runs = {}
    for file in os.listdir(folder):
        match = re.fullmatch(r"(\d+)-(\d+)\.json", file)
        if match:
            runs.setdefault(int(match.group(1)), []).append(
                {**read(folder, file), **read(folder, file[:-len(".json")] + ".run.json")})
    best = max(statistics.median(r["tokens_per_second"] for r in results) for results in runs.values())
    rows = []
    for budget, results in sorted(runs.items()):
        tokens_per_second = statistics.median(r["tokens_per_second"] for r in results)
        rows.append([f"{budget:,}", len(results), f"{tokens_per_second:,.0f}", f"{tokens_per_second / best:.2f}",
                     f"{statistics.median(r['cold_tokens_per_second'] for r in results):,.0f}",
                     f"{100 * results[0]['padding_fraction']:.2f}%", results[0]["batches"],
                     f"{statistics.median(r['peak_rss_bytes'] for r in results) / MIB:,.0f}",
                     " ".join(f"{r['load_average_before']:.2f}" for r in results)])
    first = next(iter(runs.values()))[0]
    print()
    print(f"Token-budget benchmark: {first['model']}, {first['pairs']} pairs,"
          f" {first['prompt_tokens'] + first['response_tokens']:,} prompt + response tokens, at most"
          f" {first['max_rows_per_batch']} rows per batch, {first['threads']} intra-op threads; medians over the rounds")
    print(table(["batch.max-tokens", "runs", "tokens/s", "/ best", "first-pass tokens/s", "padding", "batches",
                 "peak RSS MiB", "load before each run"], rows))


def anchors_report(folder):
    def optional(name):
        return read(folder, name) if os.path.exists(os.path.join(folder, name)) else None

    def load_before(step):
        with open(os.path.join(folder, step + ".load"), encoding="utf-8") as f:
            return f.read().strip()

    models = sorted({f[len("engine-"):-len(".json")] for f in os.listdir(folder)
                     if f.startswith("engine-") and f.endswith(".json")}, key=lambda m: m != "stories")
    rows, verdicts = [], []
    for model in models:
        engine, hf = read(folder, f"engine-{model}.json"), read(folder, f"hf-{model}.json")
        tokens = engine["prompt_tokens"] + engine["response_tokens"]
        if hf["tokens"] != tokens:
            raise SystemExit(f"Cannot compare on {model}: the engine scored {tokens} tokens, the script {hf['tokens']}")
        hf_tps = hf["tokens_per_second"]
        rows.append([model, "Java engine (DJL, libtorch 2.7.1)", f"{tokens:,}", f"{engine['seconds']:.2f}",
                     f"{engine['tokens_per_second']:,.0f}", f"{engine['cold_tokens_per_second']:,.0f}",
                     f"{engine['tokens_per_second'] / hf_tps:.2f}", f"{engine['peak_rss_bytes'] / MIB:,.0f}",
                     load_before(f"engine-{model}")])
        ratio = engine["tokens_per_second"] / hf_tps
        verdicts.append(f"engine / Hugging Face script on {model}: {ratio:.2f} (target >= {ENGINE_OVER_HF_TARGET}:"
                        f" {verdict(ratio >= ENGINE_OVER_HF_TARGET)})")
        if model == "stories":
            summary = run_summary(read(folder, "job-stories/_summary.json"))
            job_tokens = summary["prompt_tokens"] + summary["response_tokens"]
            rows.append([model, "score job (jobs/score.sh, local[1])", f"{job_tokens:,}",
                         f"{summary['wall_seconds']:.2f}", f"{summary['tokens_per_second']:,.0f}", "",
                         f"{summary['tokens_per_second'] / hf_tps:.2f}", "", load_before("job-stories")])
            ratio = summary["tokens_per_second"] / engine["tokens_per_second"]
            verdicts.append(f"job / engine on stories: {ratio:.2f} (target >= {JOB_TARGET}: {verdict(ratio >= JOB_TARGET)});"
                            f" job / the engine's first pass {summary['tokens_per_second'] / engine['cold_tokens_per_second']:.2f}")
            verdicts.append(f"padding on stories: {100 * engine['padding_fraction']:.2f}% (target <= {100 * PADDING_TARGET:.0f}%:"
                            f" {verdict(engine['padding_fraction'] <= PADDING_TARGET)})")
        rows.append([model, f"Hugging Face script ({hf['runtime']})", f"{hf['tokens']:,}", f"{hf['seconds']:.2f}",
                     f"{hf_tps:,.0f}", f"{hf['tokens'] / hf['first_pass_seconds']:,.0f}", "1.00",
                     f"{hf['peak_rss_bytes'] / MIB:,.0f}", load_before(f"hf-{model}")])
        cpp = optional("llama-cpp-stories.json") if model == "stories" else None
        if cpp:
            rows.append([model, f"llama.cpp ({cpp['runtime']})", f"{cpp['tokens']:,}", f"{cpp['seconds']:.2f}",
                         f"{cpp['tokens_per_second']:,.0f}", f"{cpp['tokens'] / cpp['first_pass_seconds']:,.0f}",
                         f"{cpp['tokens_per_second'] / hf_tps:.2f}", f"{cpp['peak_rss_bytes'] / MIB:,.0f}",
                         load_before("llama-cpp-stories")])
            verdicts.append(f"engine / llama.cpp on stories: {engine['tokens_per_second'] / cpp['tokens_per_second']:.2f};"
                            f" llama.cpp's log-probabilities differ from the script's by at most"
                            f" {cpp['largest_logprob_difference_to_hf']:.2g}")
        if "largest_logit_difference_to_checkpoint" in hf:
            verdicts.append(f"the converted Hugging Face stories260K differs from the checkpoint's model by at most"
                            f" {hf['largest_logit_difference_to_checkpoint']:.2g} in a logit")
    first = read(folder, f"engine-{models[0]}.json")
    print()
    print(f"Anchor benchmark: {first['threads']} intra-op threads, {os.cpu_count()} cores; the engine's batches"
          f" (budget {first['max_tokens_per_batch']:,} tokens / {first['max_rows_per_batch']} rows, length-sorted)"
          f" replayed by every other runtime; timed: the engine's second pass, the median of the Python anchors' passes"
          f" after their first")
    print(table(["model", "runtime", "tokens", "seconds", "tokens/s", "first-pass tokens/s", "/ HF script",
                 "peak RSS MiB", "load before"], rows))
    for line in verdicts:
        print(line)


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
    elif len(argv) == 2 and argv[0] == "alloc":
        alloc_report(argv[1])
    elif len(argv) == 2 and argv[0] == "anchors":
        anchors_report(argv[1])
    elif len(argv) == 2 and argv[0] == "budget":
        budget_report(argv[1])
    else:
        raise SystemExit("usage: tables.py engine|score|alloc|anchors|budget DIR")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

#!/usr/bin/env bash
# Score-job benchmark on stories260K with Spark in local[2] mode, over real HH-RLHF pairs as JSON Lines:
# - the job's end-to-end tokens/s against the engine alone on the same pairs, split the same way over
#   the same cores;
# - padded tokens with length bucketing (batch.sort-by-length=true) and without, from the run summaries,
#   beside the padding the batcher plans for these and for 1,000 comparisons (no model run);
# - the peak resident memory (VmHWM) of the job's JVM at 1x and 10x the input, under a fixed -Xmx, a
#   token budget small enough (batch.max-tokens=2048) that the 1x input already fills whole batches, and
#   units of a fixed size (job.unit-rows: half the 1x input, so that it fills the two task slots), so that
#   the two runs differ in input size, not in batch or unit shape; a unit's scored rows are held (memory,
#   then disk) while it is written.
#
#   jobs/bench-score.sh [--comparisons N] [--copies K]
#
#   --comparisons  HH-RLHF harmless-test comparisons in the 10x input, two pairs each (default 100, a
#                  multiple of 10); the 1x input is its first tenth
#   --copies       both inputs hold their pairs K times over, each copy with ids of its own (default 1): inputs
#                  larger than the data, such as a default unit's 20,000 rows (--comparisons 2000 --copies 5)
#
# Environment: ENDOREWARD_BUILD_DIR (results go to its bench/score/) and those of bench-common.sh;
# BENCH_JAVA_OPTS applies to the job's JVM too. The project's interpreter (jobs/python.sh) prints the tables.
set -euo pipefail
# shellcheck source=SCRIPTDIR/bench-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/bench-common.sh"

OUT="$BUILD_DIR/bench/score"
MODEL="$ROOT/target/artefacts/stories260K"
MASTER='local[2]'
TASKS=2
# Four rows of length.max 512. With the default 100 comparisons, the 1x input's first task fills one such
# batch and its second task's largest batch is 3 x 443 tokens; the 10x input's tasks both fill one.
MEMORY_RUN_MAX_TOKENS=2048
COMPARISONS=100
COPIES=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --comparisons) COMPARISONS="$2"; shift 2 ;;
    --copies) COPIES="$2"; shift 2 ;;
    *) echo "Cannot run the score benchmark: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
if (( COMPARISONS < 10 || COMPARISONS % 10 != 0 )); then
  echo "Cannot run the score benchmark: --comparisons $COMPARISONS is not a positive multiple of 10" >&2
  exit 2
fi
# The job gives each of its concurrent tasks an equal share of the cores; the engine alone gets the same.
THREADS_PER_TASK=$(( $(nproc) / TASKS > 0 ? $(nproc) / TASKS : 1 ))

cd "$ROOT"

# Built here as jobs/score.sh builds it, so that no measured run of the job includes a build.
ensure_built
build_benchmarks
rm -rf "$OUT"
mkdir -p "$OUT"

# Runs a command that execs one JVM, polling the JVM's peak resident memory (VmHWM only grows, so the last
# reading is the peak) until it exits. Writes its stdout to $OUT/NAME.out, its stderr to $OUT/NAME.log, and
# the peak, the wall time and the 1-minute load average before the start to $OUT/NAME.process.json.
measure() {
  local name="$1" load start peak_kib=0 hwm pid
  shift
  load="$(cut -d ' ' -f 1 /proc/loadavg)"
  start="$(date +%s.%N)"
  "$@" >"$OUT/$name.out" 2>"$OUT/$name.log" &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    hwm="$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || true)"
    if [[ -n "$hwm" ]]; then peak_kib="$hwm"; fi
    sleep 0.1
  done
  wait "$pid" || { echo "Cannot benchmark $name: it failed" >&2; tail -n 40 "$OUT/$name.log" >&2; exit 1; }
  awk -v peak="$peak_kib" -v start="$start" -v end="$(date +%s.%N)" -v load="$load" -v opts="$BENCH_JAVA_OPTS_TEXT" \
    'BEGIN { printf "{\"peak_rss_kib\": %d, \"seconds\": %.3f, \"load_average_before\": %s, \"java_opts\": \"%s\"}\n",
             peak, end - start, load, opts }' >"$OUT/$name.process.json"
}

# score_job NAME INPUT [--set key=value ...]: jobs/score.sh as a user runs it, measured.
score_job() {
  local name="$1" input="$2"
  shift 2
  echo "Score job $name ..." >&2
  measure "$name" env SPARK_MASTER="$MASTER" ENDOREWARD_JAVA_OPTS="$BENCH_JAVA_OPTS_TEXT" ENDOREWARD_BUILD_DIR="$BUILD_DIR" \
    "$ROOT/jobs/score.sh" --model "$MODEL" --input "$OUT/$input" --output "$OUT/$name" \
    --set template.mode=plain --set length.max=512 "$@"
}

# Two files of contiguous halves; the job splits an input of fewer rows than a unit holds into a unit per task
# slot (two on local[2]), so it runs two tasks at once as the engine alone runs two scorers.
echo "Writing the inputs ..." >&2
measure input-1x "${BENCH_JAVA[@]}" dev.endoreward.bench.WriteBenchInput --comparisons $(( COMPARISONS / 10 )) \
  --copies "$COPIES" --files "$TASKS" --output "$OUT/input-1x"
measure input-10x "${BENCH_JAVA[@]}" dev.endoreward.bench.WriteBenchInput --comparisons "$COMPARISONS" \
  --copies "$COPIES" --files "$TASKS" --output "$OUT/input-10x"
cat "$OUT/input-1x.out" "$OUT/input-10x.out"

measure padding-plan "${BENCH_JAVA[@]}" dev.endoreward.bench.PaddingPlan \
  --sizes "$(( COMPARISONS / 10 )),$COMPARISONS,1000" --max-tokens "16384,$MEMORY_RUN_MAX_TOKENS" --tasks "$TASKS"
cat "$OUT/padding-plan.out"

echo "Engine alone on the 10x pairs ..." >&2
# On the allocator the launchers give the job (use_allocator), so that both run on the same one.
measure engine bash -c 'source "$1"; use_allocator; shift; exec "$@"' _ "$ROOT/jobs/common.sh" \
  "${BENCH_JAVA[@]}" dev.endoreward.bench.EngineBenchmark --comparisons "$COMPARISONS" --copies "$COPIES" \
  --threads "$THREADS_PER_TASK" --scorers "$TASKS" --result-out "$OUT/engine.json"
cat "$OUT/engine.out"

score_job job-10x-sorted input-10x --set batch.sort-by-length=true
score_job job-10x-unsorted input-10x --set batch.sort-by-length=false
memory_unit_rows=$(( COMPARISONS / 10 * 2 * COPIES / TASKS ))
score_job memory-1x input-1x --set "batch.max-tokens=$MEMORY_RUN_MAX_TOKENS" --set "job.unit-rows=$memory_unit_rows"
score_job memory-10x input-10x --set "batch.max-tokens=$MEMORY_RUN_MAX_TOKENS" --set "job.unit-rows=$memory_unit_rows"

"$ROOT/jobs/python.sh" "$ROOT/src/test/python/bench/tables.py" score "$OUT"

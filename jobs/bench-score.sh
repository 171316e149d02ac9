#!/usr/bin/env bash
# Score-job benchmark on stories260K with Spark in local[2] mode, over real HH-RLHF pairs as JSON Lines:
# - the job's end-to-end tokens/s against the engine alone on the same pairs, split the same way over
#   the same cores;
# - padded tokens with length bucketing (batch.sort-by-length=true) and without, from the run summaries,
#   beside the padding the batcher plans for these and for 1,000 comparisons (no model run);
# - the peak resident memory (VmHWM) of the job's JVM at 1x and 10x the input, under a fixed -Xmx and a
#   token budget small enough (batch.max-tokens=2048) that the 1x input already fills whole batches, so
#   that the two runs differ mostly in input size.
#
#   jobs/bench-score.sh [--comparisons N]
#
#   --comparisons  HH-RLHF harmless-test comparisons in the 10x input, two pairs each (default 100, a
#                  multiple of 10); the 1x input is its first tenth
#
# Environment:
#   ENDOREWARD_BUILD_DIR  the Maven build folder (default <project>/target); results go to its bench/score/
#   ENDOREWARD_SHARED     the shared data folder (default <project>/../shared)
#   BENCH_JAVA_OPTS       options of every benchmark JVM, the job's included (default -Xmx2g)
#   BENCH_PYTHON          the interpreter that prints the tables (default /usr/bin/python3)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${ENDOREWARD_BUILD_DIR:-$ROOT/target}"
SHARED="$(cd "${ENDOREWARD_SHARED:-$ROOT/../shared}" && pwd)"
PYTHON="${BENCH_PYTHON:-/usr/bin/python3}"
JAVA_OPTS_TEXT="${BENCH_JAVA_OPTS:--Xmx2g}"
OUT="$BUILD_DIR/bench/score"
MODEL="$ROOT/target/artefacts/stories260K"
MASTER='local[2]'
TASKS=2
# Four rows of length.max 512. With the default 100 comparisons, the 1x input's first task fills one such
# batch and its second task's largest batch is 3 x 443 tokens; the 10x input's tasks both fill one.
MEMORY_RUN_MAX_TOKENS=2048
COMPARISONS=100
while [[ $# -gt 0 ]]; do
  case "$1" in
    --comparisons) COMPARISONS="$2"; shift 2 ;;
    *) echo "Cannot run the score benchmark: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
if (( COMPARISONS < 10 || COMPARISONS % 10 != 0 )); then
  echo "Cannot run the score benchmark: --comparisons $COMPARISONS is not a positive multiple of 10" >&2
  exit 2
fi
# The job gives each of its concurrent tasks an equal share of the cores; the engine alone gets the same.
THREADS_PER_TASK=$(( $(nproc) / TASKS > 0 ? $(nproc) / TASKS : 1 ))

# DJL must never download engines nor send start-up telemetry.
export DJL_OFFLINE=true OPT_OUT_TRACKING=true
cd "$ROOT"

echo "Building the benchmarks and the score job into $BUILD_DIR ..." >&2
mvn -q -B -DskipPythonTests=true -Dbuild.dir="$BUILD_DIR" test-compile \
  dependency:build-classpath@local-run-classpath \
  dependency:build-classpath -Dmdep.outputFile="$BUILD_DIR/bench-classpath.txt" -Dmdep.includeScope=test >&2
rm -rf "$OUT"
mkdir -p "$OUT"

# shellcheck disable=SC2206 # the options are a list, split on spaces on purpose.
JAVA_OPTS=($JAVA_OPTS_TEXT)
BENCH_JAVA=(java "${JAVA_OPTS[@]}" -Dai.djl.offline=true -DOPT_OUT_TRACKING=true "-Dendoreward.shared=$SHARED"
  -cp "$BUILD_DIR/test-classes:$BUILD_DIR/classes:$(cat "$BUILD_DIR/bench-classpath.txt")")

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
  awk -v peak="$peak_kib" -v start="$start" -v end="$(date +%s.%N)" -v load="$load" -v opts="$JAVA_OPTS_TEXT" \
    'BEGIN { printf "{\"peak_rss_kib\": %d, \"seconds\": %.3f, \"load_average_before\": %s, \"java_opts\": \"%s\"}\n",
             peak, end - start, load, opts }' >"$OUT/$name.process.json"
}

# score_job NAME INPUT [--set key=value ...]: jobs/score.sh as a user runs it, measured.
score_job() {
  local name="$1" input="$2"
  shift 2
  echo "Score job $name ..." >&2
  measure "$name" env SPARK_MASTER="$MASTER" ENDOREWARD_JAVA_OPTS="$JAVA_OPTS_TEXT" ENDOREWARD_BUILD_DIR="$BUILD_DIR" \
    "$ROOT/jobs/score.sh" --model "$MODEL" --input "$OUT/$input" --output "$OUT/$name" \
    --set template.mode=plain --set length.max=512 "$@"
}

# One file per task, so that the job runs its tasks without a shuffle; the engine alone scores the same slices.
echo "Writing the inputs ..." >&2
measure input-1x "${BENCH_JAVA[@]}" dev.endoreward.bench.WriteBenchInput --comparisons $(( COMPARISONS / 10 )) \
  --files "$TASKS" --output "$OUT/input-1x"
measure input-10x "${BENCH_JAVA[@]}" dev.endoreward.bench.WriteBenchInput --comparisons "$COMPARISONS" \
  --files "$TASKS" --output "$OUT/input-10x"
cat "$OUT/input-1x.out" "$OUT/input-10x.out"

measure padding-plan "${BENCH_JAVA[@]}" dev.endoreward.bench.PaddingPlan \
  --sizes "$(( COMPARISONS / 10 )),$COMPARISONS,1000" --max-tokens "16384,$MEMORY_RUN_MAX_TOKENS" --tasks "$TASKS"
cat "$OUT/padding-plan.out"

echo "Engine alone on the 10x pairs ..." >&2
measure engine "${BENCH_JAVA[@]}" dev.endoreward.bench.EngineBenchmark --comparisons "$COMPARISONS" \
  --threads "$THREADS_PER_TASK" --scorers "$TASKS" --result-out "$OUT/engine.json"
cat "$OUT/engine.out"

score_job job-10x-sorted input-10x --set batch.sort-by-length=true
score_job job-10x-unsorted input-10x --set batch.sort-by-length=false
score_job memory-1x input-1x --set "batch.max-tokens=$MEMORY_RUN_MAX_TOKENS"
score_job memory-10x input-10x --set "batch.max-tokens=$MEMORY_RUN_MAX_TOKENS"

"$PYTHON" "$ROOT/src/test/python/bench/tables.py" score "$OUT"

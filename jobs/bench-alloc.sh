#!/usr/bin/env bash
# Allocator benchmark: the Java engine's tokens/s on stories260K (EngineBenchmark) under each memory
# allocator setting, runs interleaved (every setting once per round) so that the machine's load weighs on
# all alike. Prints, per setting, the median tokens/s, user and kernel CPU seconds and peak RSS over the
# rounds, and the ratio of its median tokens/s to the plain run's.
#
#   jobs/bench-alloc.sh [--comparisons N] [--threads N] [--rounds R]
#
#   --comparisons  HH-RLHF harmless-test comparisons to score, two pairs each (default 50)
#   --threads      intra-op threads (default: all cores)
#   --rounds       runs of each setting (default 3)
#
# The settings: plain (glibc's defaults); glibc told to keep freed memory (no new library), either with its
# largest mmap threshold (32 MiB) or with one heap and no mmap at all; jemalloc with its
# default decay, and jemalloc keeping freed pages (MALLOC_CONF=dirty_decay_ms:-1,muzzy_decay_ms:-1). The
# jemalloc settings need Debian's libjemalloc2 (or ENDOREWARD_JEMALLOC naming the library) and are left out
# without it. Environment: ENDOREWARD_BUILD_DIR (results go to its bench/alloc/) and those of bench-common.sh.
set -euo pipefail
# shellcheck source=SCRIPTDIR/bench-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/bench-common.sh"

OUT="$BUILD_DIR/bench/alloc"
COMPARISONS=50
THREADS="$(nproc)"
ROUNDS=3
while [[ $# -gt 0 ]]; do
  case "$1" in
    --comparisons) COMPARISONS="$2"; shift 2 ;;
    --threads) THREADS="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    *) echo "Cannot run the allocator benchmark: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
if [[ ! -x /usr/bin/time ]]; then
  echo "Cannot run the allocator benchmark: /usr/bin/time is missing (Debian package 'time')" >&2
  exit 2
fi

# NAME=ENVIRONMENT, the environment as env(1) arguments. The allocator default of the job scripts is turned
# off in every run: each setting is exactly what its line says.
SETTINGS=(
  "plain=ENDOREWARD_MALLOC=system"
  "glibc-threshold=ENDOREWARD_MALLOC=system MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=17179869184 MALLOC_TOP_PAD_=536870912"
  "glibc-heap-only=ENDOREWARD_MALLOC=system MALLOC_ARENA_MAX=1 MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=17179869184"
)
JEMALLOC="$(jemalloc_library || true)"
if [[ -n "$JEMALLOC" ]]; then
  SETTINGS+=(
    "jemalloc-default=ENDOREWARD_MALLOC=system LD_PRELOAD=$JEMALLOC"
    "jemalloc-keep=ENDOREWARD_MALLOC=system LD_PRELOAD=$JEMALLOC MALLOC_CONF=dirty_decay_ms:-1,muzzy_decay_ms:-1"
  )
else
  echo "No jemalloc library found (apt-get install libjemalloc2, or set ENDOREWARD_JEMALLOC): its settings are left out" >&2
fi

build_benchmarks
rm -rf "$OUT"
mkdir -p "$OUT"

echo "Allocator benchmark: $COMPARISONS comparisons, $THREADS intra-op threads, $ROUNDS rounds, $(nproc) cores"
for (( round = 1; round <= ROUNDS; round++ )); do
  for setting in "${SETTINGS[@]}"; do
    name="${setting%%=*}"
    split_words environment "${setting#*=}"
    echo "Round $round, $name (load average $(cut -d ' ' -f 1 /proc/loadavg)) ..." >&2
    load="$(cut -d ' ' -f 1 /proc/loadavg)"
    /usr/bin/time -f '{"wall_seconds": %e, "user_seconds": %U, "kernel_seconds": %S, "max_rss_kib": %M}' \
        -o "$OUT/$name-$round.time.json" \
      env "${environment[@]}" "${BENCH_JAVA[@]}" dev.endoreward.bench.EngineBenchmark \
        --comparisons "$COMPARISONS" --threads "$THREADS" --result-out "$OUT/$name-$round.json" \
        >"$OUT/$name-$round.out" 2>"$OUT/$name-$round.log" \
      || { tail -n 40 "$OUT/$name-$round.log" >&2; exit 1; }
    echo "{\"load_average_before\": $load, \"environment\": \"${setting#*=}\"}" >"$OUT/$name-$round.run.json"
  done
done

"$ROOT/jobs/python.sh" "$ROOT/src/test/python/bench/tables.py" alloc "$OUT"

#!/usr/bin/env bash
# Token-budget benchmark: the Java engine's tokens/s (EngineBenchmark) at each batch.max-tokens, runs
# interleaved (every budget once per round) so that the machine's load weighs on all alike. Prints, per
# budget, the median tokens/s over the rounds, the padding and the peak RSS, and the ratio to the default's.
#
#   jobs/bench-budget.sh [--model DIR] [--comparisons N] [--threads N] [--rounds R] [--budgets B1,B2,...]
#
#   --model        an exported artefact (default stories260K, exported into target/artefacts on first use)
#   --comparisons  HH-RLHF harmless-test comparisons to score, two pairs each (default 50)
#   --threads      intra-op threads (default: all cores)
#   --rounds       runs of each budget (default 3)
#   --budgets      batch.max-tokens values (default 1024,2048,4096,8192,16384)
#
# Every run uses the launchers' allocator setting (jobs/common.sh, use_allocator). Environment:
# ENDOREWARD_BUILD_DIR (results go to its bench/budget/) and those of bench-common.sh.
set -euo pipefail
# shellcheck source=SCRIPTDIR/bench-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/bench-common.sh"

OUT="$BUILD_DIR/bench/budget"
MODEL_ARGS=()
COMPARISONS=50
THREADS="$(nproc)"
ROUNDS=3
BUDGETS=1024,2048,4096,8192,16384
while [[ $# -gt 0 ]]; do
  case "$1" in
    --model) MODEL_ARGS=(--model "$2"); shift 2 ;;
    --comparisons) COMPARISONS="$2"; shift 2 ;;
    --threads) THREADS="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --budgets) BUDGETS="$2"; shift 2 ;;
    *) echo "Cannot run the token-budget benchmark: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
IFS=',' read -r -a budgets <<< "$BUDGETS"

build_benchmarks
use_allocator
rm -rf "$OUT"
mkdir -p "$OUT"

echo "Token-budget benchmark: $COMPARISONS comparisons, $THREADS intra-op threads, $ROUNDS rounds, $(nproc) cores," \
  "LD_PRELOAD=${LD_PRELOAD:-} MALLOC_CONF=${MALLOC_CONF:-}"
for (( round = 1; round <= ROUNDS; round++ )); do
  for budget in "${budgets[@]}"; do
    echo "Round $round, batch.max-tokens $budget (load average $(cut -d ' ' -f 1 /proc/loadavg)) ..." >&2
    echo "{\"load_average_before\": $(cut -d ' ' -f 1 /proc/loadavg)}" >"$OUT/$budget-$round.run.json"
    "${BENCH_JAVA[@]}" dev.endoreward.bench.EngineBenchmark "${MODEL_ARGS[@]}" --comparisons "$COMPARISONS" \
        --threads "$THREADS" --max-tokens "$budget" --result-out "$OUT/$budget-$round.json" \
        >"$OUT/$budget-$round.out" 2>"$OUT/$budget-$round.log" \
      || { tail -n 40 "$OUT/$budget-$round.log" >&2; exit 1; }
  done
done

"$ROOT/jobs/python.sh" "$ROOT/src/test/python/bench/tables.py" budget "$OUT"

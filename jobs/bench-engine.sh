#!/usr/bin/env bash
# Engine benchmark: the Java engine's tokens/s on stories260K over a fixed set of real HH-RLHF pairs, the
# eager PyTorch forward pass over the very same padded batches, and the Java process's peak memory.
#
#   jobs/bench-engine.sh [--comparisons N] [--threads N]
#
#   --comparisons  HH-RLHF harmless-test comparisons to score, two pairs each (default 100)
#   --threads      intra-op threads of both runtimes (default: all cores)
#
# Environment: ENDOREWARD_BUILD_DIR (results go to its bench/engine/) and those of bench-common.sh. The
# Python side runs on the project's interpreter (jobs/python.sh), which needs torch.
set -euo pipefail
# shellcheck source=SCRIPTDIR/bench-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/bench-common.sh"

OUT="$BUILD_DIR/bench/engine"
COMPARISONS=100
THREADS="$(nproc)"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --comparisons) COMPARISONS="$2"; shift 2 ;;
    --threads) THREADS="$2"; shift 2 ;;
    *) echo "Cannot run the engine benchmark: unknown argument '$1'" >&2; exit 2 ;;
  esac
done

build_benchmarks
rm -rf "$OUT"
mkdir -p "$OUT"

# Other work on the machine skews timings; the load average says how much there was.
echo "Load average (1 min) before the Java run: $(cut -d ' ' -f 1 /proc/loadavg)"
"${BENCH_JAVA[@]}" dev.endoreward.bench.EngineBenchmark --comparisons "$COMPARISONS" --threads "$THREADS" \
  --result-out "$OUT/java.json" --batches-out "$OUT/batches.json" 2>"$OUT/java-stderr.log" \
  || { tail -n 40 "$OUT/java-stderr.log" >&2; exit 1; }

echo "Load average (1 min) before the Python run: $(cut -d ' ' -f 1 /proc/loadavg)"
PYTHONPATH="$ROOT/src/main/python" "$ROOT/jobs/python.sh" "$ROOT/src/test/python/bench/eager_forward.py" \
  --checkpoint "$SHARED/models/stories260K/stories260K.bin" --batches "$OUT/batches.json" --threads "$THREADS" \
  --result-out "$OUT/python.json"

"$ROOT/jobs/python.sh" "$ROOT/src/test/python/bench/tables.py" engine "$OUT"

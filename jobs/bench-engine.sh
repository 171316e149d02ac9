#!/usr/bin/env bash
# Engine benchmark: the Java engine's tokens/s on stories260K over a fixed set of real HH-RLHF pairs, the
# eager PyTorch forward pass over the very same padded batches, and the Java process's peak memory.
#
#   jobs/bench-engine.sh [--comparisons N] [--threads N]
#
#   --comparisons  HH-RLHF harmless-test comparisons to score, two pairs each (default 100)
#   --threads      intra-op threads of both runtimes (default: all cores)
#
# Environment:
#   ENDOREWARD_BUILD_DIR  the Maven build folder (default <project>/target); results go to its bench/engine/
#   ENDOREWARD_SHARED     the shared data folder (default <project>/../shared)
#   BENCH_JAVA_OPTS       options of the benchmark JVM (default -Xmx2g)
#   BENCH_PYTHON          an interpreter with torch (default /usr/bin/python3)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${ENDOREWARD_BUILD_DIR:-$ROOT/target}"
SHARED="$(cd "${ENDOREWARD_SHARED:-$ROOT/../shared}" && pwd)"
PYTHON="${BENCH_PYTHON:-/usr/bin/python3}"
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

# DJL must never download engines nor send start-up telemetry.
export DJL_OFFLINE=true OPT_OUT_TRACKING=true

echo "Building the benchmarks into $BUILD_DIR ..." >&2
(cd "$ROOT" && mvn -q -B -DskipPythonTests=true -Dbuild.dir="$BUILD_DIR" test-compile dependency:build-classpath \
  -Dmdep.outputFile="$BUILD_DIR/bench-classpath.txt" -Dmdep.includeScope=test) >&2
rm -rf "$OUT"
mkdir -p "$OUT"

# shellcheck disable=SC2206 # BENCH_JAVA_OPTS is a list of options, split on spaces on purpose.
JAVA_OPTS=(${BENCH_JAVA_OPTS:--Xmx2g})
# Other work on the machine skews timings; the load average says how much there was.
echo "Load average (1 min) before the Java run: $(cut -d ' ' -f 1 /proc/loadavg)"
java "${JAVA_OPTS[@]}" -Dai.djl.offline=true -DOPT_OUT_TRACKING=true "-Dendoreward.shared=$SHARED" \
  -cp "$BUILD_DIR/test-classes:$BUILD_DIR/classes:$(cat "$BUILD_DIR/bench-classpath.txt")" \
  dev.endoreward.bench.EngineBenchmark --comparisons "$COMPARISONS" --threads "$THREADS" \
  --result-out "$OUT/java.json" --batches-out "$OUT/batches.json" 2>"$OUT/java-stderr.log" \
  || { tail -n 40 "$OUT/java-stderr.log" >&2; exit 1; }

echo "Load average (1 min) before the Python run: $(cut -d ' ' -f 1 /proc/loadavg)"
PYTHONPATH="$ROOT/src/main/python" "$PYTHON" "$ROOT/src/test/python/bench/eager_forward.py" \
  --checkpoint "$SHARED/models/stories260K/stories260K.bin" --batches "$OUT/batches.json" --threads "$THREADS" \
  --result-out "$OUT/python.json"

"$PYTHON" "$ROOT/src/test/python/bench/tables.py" engine "$OUT"

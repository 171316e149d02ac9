#!/usr/bin/env bash
# Anchor benchmark: the Java engine and the score job against what users would run instead, on the same
# pairs, the same batches and the same threads. Prints one table of tokens/s and ratios.
#
#   jobs/bench-anchors.sh [--comparisons N] [--threads N] [--qwen2 SIZES] [--qwen2-comparisons N]
#
#   --comparisons        HH-RLHF harmless-test comparisons for stories260K, two pairs each (default 50)
#   --threads            intra-op threads of every runtime (default: all cores)
#   --qwen2              random-weight Qwen2 sizes to add, comma-separated: small, 0.5b, or none (default small)
#   --qwen2-comparisons  comparisons for the Qwen2 runs (default 10)
#
# On stories260K: the engine (EngineBenchmark, which records its batches), on the launchers' allocator as the
# job runs on it; the score job through jobs/score.sh
# on local[1] with engine.threads = --threads, so that it has the engine's threads and one task; a Hugging Face
# scoring script on the checkpoint converted to a Hugging Face Llama (anchors.py); llama.cpp on
# stories260K.gguf (llama_cpp_anchor.py, in the benchmark-only environment of bench-common.sh's bench_python;
# left out, saying why, when that cannot be built). On each Qwen2 size: the model saved with save_pretrained,
# exported with jobs/export-model.sh, the engine on it, and the Hugging Face script on the saved folder. The
# 0.5b size runs with batch.max-tokens 2048, since the script's full logits and log-softmax hold
# 2 x 4 bytes x 151,936 per token.
#
# Environment: ENDOREWARD_BUILD_DIR (results go to its bench/anchors/), ENDOREWARD_BENCH_PYTHON (the llama.cpp
# anchor's interpreter, instead of the benchmark environment) and those of bench-common.sh.
set -euo pipefail
# shellcheck source=SCRIPTDIR/bench-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/bench-common.sh"

OUT="$BUILD_DIR/bench/anchors"
COMPARISONS=50
THREADS="$(nproc)"
QWEN2=small
QWEN2_COMPARISONS=10
while [[ $# -gt 0 ]]; do
  case "$1" in
    --comparisons) COMPARISONS="$2"; shift 2 ;;
    --threads) THREADS="$2"; shift 2 ;;
    --qwen2) QWEN2="$2"; shift 2 ;;
    --qwen2-comparisons) QWEN2_COMPARISONS="$2"; shift 2 ;;
    *) echo "Cannot run the anchor benchmark: unknown argument '$1'" >&2; exit 2 ;;
  esac
done
STORIES="$ROOT/target/artefacts/stories260K"
CHECKPOINT="$SHARED/models/stories260K/stories260K.bin"
GGUF="$SHARED/models/stories260K/stories260K.gguf"

cd "$ROOT"
ensure_built
build_benchmarks
rm -rf "$OUT"
mkdir -p "$OUT"
export PYTHONPATH="$ROOT/src/main/python"

load() { cut -d ' ' -f 1 /proc/loadavg; }
# shipped COMMAND...: runs COMMAND on the allocator the launchers give the job (use_allocator); the Python
# anchors run as users run them, on the allocator their environment gives.
shipped() { ( use_allocator; exec "$@" ); }
# step NAME COMMAND...: runs one measured step, its stdout to NAME.out and stderr to NAME.log, the load average
# before it into NAME.load.
step() {
  local name="$1"
  shift
  echo "$name (load average $(load)) ..." >&2
  load >"$OUT/$name.load"
  "$@" >"$OUT/$name.out" 2>"$OUT/$name.log" || { tail -n 40 "$OUT/$name.log" >&2; echo "Cannot benchmark $name" >&2; exit 1; }
}

step engine-stories shipped "${BENCH_JAVA[@]}" dev.endoreward.bench.EngineBenchmark --comparisons "$COMPARISONS" \
  --threads "$THREADS" --result-out "$OUT/engine-stories.json" --batches-out "$OUT/batches-stories.json"
step input-stories "${BENCH_JAVA[@]}" dev.endoreward.bench.WriteBenchInput --comparisons "$COMPARISONS" --files 1 \
  --output "$OUT/input-stories"
step job-stories env SPARK_MASTER='local[1]' ENDOREWARD_JAVA_OPTS="$BENCH_JAVA_OPTS_TEXT" \
  ENDOREWARD_BUILD_DIR="$BUILD_DIR" "$ROOT/jobs/score.sh" --model "$STORIES" --input "$OUT/input-stories" \
  --output "$OUT/job-stories" --set template.mode=plain --set length.max=512 --set "engine.threads=$THREADS"
step hf-stories "$ROOT/jobs/python.sh" "$ROOT/src/test/python/bench/anchors.py" --checkpoint "$CHECKPOINT" \
  --batches "$OUT/batches-stories.json" --threads "$THREADS" --result-out "$OUT/hf-stories.json" \
  --logprobs-out "$OUT/hf-stories-logprobs.json"
if python="$(bench_python 2>"$OUT/bench-venv.log")"; then
  step llama-cpp-stories "$python" "$ROOT/src/test/python/bench/llama_cpp_anchor.py" --gguf "$GGUF" \
    --batches "$OUT/batches-stories.json" --threads "$THREADS" --result-out "$OUT/llama-cpp-stories.json" \
    --compare-to "$OUT/hf-stories-logprobs.json"
else
  tail -n 20 "$OUT/bench-venv.log" >&2
  echo "llama.cpp left out: the benchmark environment could not be built (see $OUT/bench-venv.log)" >&2
fi

if [[ "$QWEN2" != none ]]; then
  IFS=',' read -r -a sizes <<< "$QWEN2"
  for size in "${sizes[@]}"; do
    max_tokens=16384
    if [[ "$size" == 0.5b ]]; then max_tokens=2048; fi
    source_dir="$OUT/qwen2-$size-source"
    step "source-qwen2-$size" "$ROOT/jobs/python.sh" "$ROOT/src/test/python/bench/qwen2_source.py" --size "$size" \
      --output "$source_dir"
    step "export-qwen2-$size" "$ROOT/jobs/export-model.sh" --format hf --model "$source_dir" \
      --output "$OUT/qwen2-$size"
    step "engine-qwen2-$size" shipped "${BENCH_JAVA[@]}" dev.endoreward.bench.EngineBenchmark --model "$OUT/qwen2-$size" \
      --comparisons "$QWEN2_COMPARISONS" --threads "$THREADS" --max-tokens "$max_tokens" \
      --result-out "$OUT/engine-qwen2-$size.json" --batches-out "$OUT/batches-qwen2-$size.json"
    step "hf-qwen2-$size" "$ROOT/jobs/python.sh" "$ROOT/src/test/python/bench/anchors.py" --hf-model "$source_dir" \
      --batches "$OUT/batches-qwen2-$size.json" --threads "$THREADS" --result-out "$OUT/hf-qwen2-$size.json"
  done
fi

"$ROOT/jobs/python.sh" "$ROOT/src/test/python/bench/tables.py" anchors "$OUT"

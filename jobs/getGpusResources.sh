#!/usr/bin/env bash
# Spark GPU discovery script (spark.executor.resource.gpu.discoveryScript and, on standalone workers,
# spark.worker.resource.gpu.discoveryScript). Prints the GPUs this process may use as Spark expects:
#
#   {"name": "gpu", "addresses": ["0","1"]}
#
# The addresses are CUDA device indexes as the executor's libtorch numbers them: with
# CUDA_VISIBLE_DEVICES set, CUDA renumbers the visible devices 0..n-1 (nvidia-smi would print the
# physical indexes instead, which would then point at the wrong device or none).
set -euo pipefail

if [[ -n "${CUDA_VISIBLE_DEVICES+set}" ]]; then
  IFS=',' read -r -a visible <<< "$CUDA_VISIBLE_DEVICES"
  indexes=()
  for ((i = 0; i < ${#visible[@]}; i++)); do
    # CUDA stops at the first invalid entry; -1 is the usual way to hide every device.
    [[ "${visible[i]// /}" =~ ^(-1|)$ ]] && break
    indexes+=("$i")
  done
else
  if ! command -v nvidia-smi > /dev/null; then
    echo "Cannot discover GPUs: nvidia-smi is not on the PATH of this executor" >&2
    exit 1
  fi
  if ! listing="$(nvidia-smi --query-gpu=index --format=csv,noheader 2>&1)"; then
    echo "Cannot discover GPUs: nvidia-smi failed: $listing" >&2
    exit 1
  fi
  mapfile -t indexes < <(tr -d ' ' <<< "$listing" | grep -E '^[0-9]+$' || true)
fi

addresses=""
for index in "${indexes[@]}"; do
  addresses+="${addresses:+,}\"$index\""
done
echo "{\"name\": \"gpu\", \"addresses\": [$addresses]}"

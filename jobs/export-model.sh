#!/usr/bin/env bash
# Exports a causal language model as an endoreward artefact (TorchScript reward head, tokenizer, manifest).
#
#   jobs/export-model.sh --format llama2c --checkpoint <model.bin> --tokenizer <tokenizer.bin> --output <dir>
#   jobs/export-model.sh --format hf --model <dir or hub id> --output <dir> [--dtype float32|bfloat16|float16]
#
# Runs with the system Python (EXPORT_PYTHON overrides it), which needs torch; the hf format also needs
# transformers.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python="${EXPORT_PYTHON:-/usr/bin/python3}"

export PYTHONPATH="${repo_root}/src/main/python${PYTHONPATH:+:${PYTHONPATH}}"
exec "${python}" -m endoreward_export "$@"

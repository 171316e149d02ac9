#!/usr/bin/env bash
# Exports a causal language model as an endoreward artefact (TorchScript reward head, tokenizer, manifest).
#
#   jobs/export-model.sh --format llama2c --checkpoint <model.bin> --tokenizer <tokenizer.bin> --output <dir>
#   jobs/export-model.sh --format hf --model <dir or hub id> --output <dir> [--dtype float32|bfloat16|float16]
#
# Runs with the project's Python (jobs/python.sh: the pinned environment, with torch 2.7.1 and
# transformers). EXPORT_PYTHON, when set, names the exporter's interpreter in place of
# ENDOREWARD_PYTHON; it needs torch, and transformers for the hf format.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [[ -n "${EXPORT_PYTHON:-}" ]]; then
  export ENDOREWARD_PYTHON="${EXPORT_PYTHON}"
fi

export PYTHONPATH="${repo_root}/src/main/python${PYTHONPATH:+:${PYTHONPATH}}"
exec "${repo_root}/jobs/python.sh" -m endoreward_export "$@"

#!/usr/bin/env bash
# Reproduces the bundled demo model end to end, on the CPU, in about 12.5 minutes on 2 cores:
#   1. generates the training data: correct answers to arithmetic questions;
#   2. trains the small Llama on it and exports it with the project's exporter into src/demo/model;
#   3. evaluates the exported artefact's endogenous reward on held-out questions;
#   4. writes the quickstart's sample input into src/demo/sample.
#
#   jobs/train-demo-model.sh
#
# Every step is seeded: a rerun writes the same data and sample, and the same weights up to the
# last bits, which can differ between CPUs and torch builds.
# Environment:
#   ENDOREWARD_PYTHON  a Python with torch and jinja2 to run instead of the pinned environment (see jobs/python.sh).
#   WORK_DIR           where the training data and evaluation report go (default target/demo-model).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python="${repo_root}/jobs/python.sh"
work_dir="${WORK_DIR:-${repo_root}/target/demo-model}"

export PYTHONPATH="${repo_root}/src/main/python:${repo_root}/src/demo/python${PYTHONPATH:+:${PYTHONPATH}}"
mkdir -p "${work_dir}"
"${python}" -m endoreward_demo.generate --output "${work_dir}/train.jsonl"
"${python}" -m endoreward_demo.train --data "${work_dir}/train.jsonl" --output "${repo_root}/src/demo/model"
"${python}" -m endoreward_demo.evaluate --model "${repo_root}/src/demo/model" \
  --report "${work_dir}/evaluation.json"
"${python}" -m endoreward_demo.sample --output "${repo_root}/src/demo/sample"

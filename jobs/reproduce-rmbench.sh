#!/usr/bin/env bash
# Reproduces the RM-Bench figures of "Generalist Reward Models: Found Inside Large Language Models" (Li et al.,
# 2025) on a machine with a GPU: exports Qwen2.5-7B-Instruct, runs eval on RM-Bench with the endogenous reward,
# and prints each figure beside the paper's (Table 1) and the difference.
#
#   jobs/reproduce-rmbench.sh --rm-bench <RM-Bench data folder> --output <dir>
#       [--model <Qwen2.5-7B-Instruct folder or hub id>] [--artefact <exported artefact>] [--set key=value ...]
#
# --rm-bench is a folder with RM-Bench's chat_filtered.json, code_filtered.json, math_filtered.json,
# safety-refuse_filtered.json and safety-response_filtered.json. --model defaults to Qwen/Qwen2.5-7B-Instruct (a hub
# id needs the hub's cache or network); --artefact skips the export. The export goes to <dir>/artefact, the eval to
# <dir>/eval. --set passes score or eval keys to eval (model.device=gpu is set). The GPU runtime must be configured
# as README.md, "Running on a GPU cluster", says: PYTORCH_LIBRARY_PATH, PYTORCH_VERSION and PYTORCH_FLAVOR.
# Exit codes: 0 done, 1 a step failed, 2 bad command line or missing inputs.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
model="Qwen/Qwen2.5-7B-Instruct"
rm_bench=""
output=""
artefact=""
sets=()

fail() {
  echo "Cannot reproduce RM-Bench: $1" >&2
  exit 2
}

while (( $# > 0 )); do
  case "$1" in
    --model|--rm-bench|--output|--artefact|--set)
      (( $# >= 2 )) || fail "$1 needs a value"
      case "$1" in
        --model) model="$2" ;;
        --rm-bench) rm_bench="$2" ;;
        --output) output="$2" ;;
        --artefact) artefact="$2" ;;
        --set) sets+=(--set "$2") ;;
      esac
      shift 2 ;;
    -h|--help) sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) fail "unknown argument '$1'; see --help" ;;
  esac
done

[[ -n "$rm_bench" ]] || fail "no RM-Bench data; pass --rm-bench <folder with chat_filtered.json ...>"
[[ -n "$output" ]] || fail "no output folder; pass --output <dir>"
for file in chat_filtered.json code_filtered.json math_filtered.json safety-refuse_filtered.json \
    safety-response_filtered.json; do
  [[ -f "$rm_bench/$file" ]] || fail "$rm_bench has no $file; the paper's figures need all five RM-Bench files"
done
[[ ! -e "$output" ]] || fail "$output exists; choose another folder"
if [[ -n "$artefact" ]]; then
  [[ -f "$artefact/manifest.json" ]] || fail "$artefact is not an exported artefact (no manifest.json)"
fi
command -v nvidia-smi >/dev/null && nvidia-smi -L >/dev/null 2>&1 \
  || fail "no GPU (nvidia-smi lists none); scoring RM-Bench with a 7B model needs one"
for variable in PYTORCH_LIBRARY_PATH PYTORCH_VERSION PYTORCH_FLAVOR; do
  [[ -n "${!variable:-}" ]] || fail "$variable is unset; point DJL at a libtorch 2.7.1 CUDA build (README.md,"\
" \"Running on a GPU cluster\")"
done

if [[ -z "$artefact" ]]; then
  artefact="$output/artefact"
  echo "Exporting $model to $artefact ..." >&2
  "$root/jobs/export-model.sh" --format hf --model "$model" --output "$artefact" --dtype bfloat16 || exit 1
fi
echo "Evaluating $artefact on $rm_bench ..." >&2
"$root/jobs/eval.sh" --model "$artefact" --input "$rm_bench" --format rm-bench --output "$output/eval" \
  --set eval.score=reward --set model.device=gpu "${sets[@]}" || exit 1

# The paper's Table 1, in percent, beside what this run measured.
"$root/jobs/python.sh" - "$output/eval/accuracy.json" <<'PY'
import json
import sys

PAPER = [("chat", "average", 84.7), ("math", "average", 56.7), ("code", "average", 53.2),
         ("safety", "average", 91.2), ("overall", "easy", 86.9), ("overall", "normal", 74.4),
         ("overall", "hard", 49.4), ("overall", "average", 70.2)]
with open(sys.argv[1], encoding="utf-8") as f:
    accuracy = json.load(f)
print(f"{'figure':<18}{'measured':>10}{'paper':>8}{'difference':>12}")
for group, figure, paper in PAPER:
    values = accuracy["overall"] if group == "overall" else accuracy["subsets"].get(group, {})
    value = values.get(figure)
    measured = "-" if value is None else f"{100 * value:.1f}"
    difference = "-" if value is None else f"{100 * value - paper:+.1f}"
    print(f"{group + ' ' + figure:<18}{measured:>10}{paper:>8.1f}{difference:>12}")
excluded = accuracy["overall"]["excluded_comparisons"]
if excluded:
    print(f"{excluded} comparisons were excluded: responses score rejected "
          f"{accuracy['overall']['rejected_responses']}; see accuracy.json")
PY

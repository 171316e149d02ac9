#!/usr/bin/env bash
# Measures the reward's accuracy on preference data: scores every chosen and rejected response with the model,
# as jobs/score.sh does, and counts how often the chosen one scores higher. On this machine with Spark in local
# mode (or against the master in SPARK_MASTER), straight from the build folder:
#
#   jobs/eval.sh --model <artefact> --input <file or folder> --format hh-rlhf|llmbar|rewardbench|rm-bench \
#       --output <dir> [--conf <file>] [--set key=value ...]
#
# Settings: conf/eval.properties (and any score key) and README.md, "Evaluation". Environment: as jobs/score.sh
# (SPARK_MASTER, ENDOREWARD_JAVA_OPTS, ENDOREWARD_BUILD_DIR).
# Exit codes: 0 done, 1 the build or the job failed, 2 bad command line, configuration, input, model or output
# folder.
set -euo pipefail

# shellcheck source=SCRIPTDIR/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

exec_main eval "$@"

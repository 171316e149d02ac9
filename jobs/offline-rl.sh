#!/usr/bin/env bash
# Writes per-token offline-RL data (token ids, action mask, rewards, logprobs, returns, advantages), from a complete score output, on this machine with Spark in
# local mode (or against the master in SPARK_MASTER), straight from the build folder:
#
#   jobs/offline-rl.sh --input <score output dir> --output <dir> [--conf <file>] [--set key=value ...]
#
# Settings: conf/offline-rl.properties and README.md, "Curation". Environment: as jobs/score.sh (SPARK_MASTER,
# ENDOREWARD_JAVA_OPTS, ENDOREWARD_BUILD_DIR).
# Exit codes: 0 done, 1 the build or the job failed, 2 bad command line, configuration, input or output folder.
set -euo pipefail

# shellcheck source=SCRIPTDIR/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

exec_main offline-rl "$@"

#!/usr/bin/env bash
# Writes one self-contained HTML report on a complete score output (and an eval output's accuracy), on this
# machine with Spark in local mode (or against the master in SPARK_MASTER), straight from the build folder:
#
#   jobs/report.sh --input <score output dir> [--eval <eval output dir>] --output report.html [--conf <file>] [--set key=value ...]
#
# Settings: conf/report.properties and README.md, "Report". Environment: as jobs/score.sh (SPARK_MASTER,
# ENDOREWARD_JAVA_OPTS, ENDOREWARD_BUILD_DIR).
# Exit codes: 0 done, 1 the build or the job failed, 2 bad command line, configuration, input or output.
set -euo pipefail

# shellcheck source=SCRIPTDIR/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

exec_main report "$@"

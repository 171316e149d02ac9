#!/usr/bin/env bash
# Scores prompt/response pairs on this machine with Spark in local mode (or against the master in
# SPARK_MASTER), straight from the build folder:
#
#   jobs/score.sh --model <artefact dir> --input <path> --output <dir> [--conf <file>] [--set key=value ...] [--resume]
#
# --resume continues the output folder's incomplete run (see "Operations" in README.md).
# Environment:
#   SPARK_MASTER          Spark master URL (default local[*]). Local masters bind Spark to 127.0.0.1.
#   ENDOREWARD_JAVA_OPTS  extra JVM options, split on whitespace, e.g. "-Xmx16g -Dspark.sql.shuffle.partitions=8".
#   ENDOREWARD_BUILD_DIR  the Maven build folder to run from (default <project>/target); the project is
#                         built into it first whenever pom.xml or a file under src/main/ is newer than the
#                         last build.
#   ENDOREWARD_LOG_FILE   the run's log file: everything at INFO, Spark's included, and a failure's stack trace
#                         (default ${TMPDIR:-/tmp}/endoreward/score-<yyyyMMdd'T'HHmmss>-<pid>.log). The console
#                         gets warnings, errors, progress and the summary.
# Exit codes: 0 done, 1 the build or the job failed, 2 bad command line, configuration, model or input.
set -euo pipefail

# shellcheck source=SCRIPTDIR/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

exec_main score "$@"

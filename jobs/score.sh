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

ensure_built
# Read here, not inside the java command line, where a failed read would go unnoticed.
DEPENDENCIES="$(<"$CLASSPATH_FILE")"

MASTER="${SPARK_MASTER:-local[*]}"
LOCAL_OPTS=()
if [[ "$MASTER" == local* ]]; then
  # The host name may resolve to an address other hosts cannot reach; a local run needs loopback only.
  export SPARK_LOCAL_IP=127.0.0.1
  LOCAL_OPTS=(-Dspark.driver.host=127.0.0.1 -Dspark.driver.bindAddress=127.0.0.1)
fi

# Spark's usual --add-opens list for Java 17 (the pom's spark.add.opens).
ADD_OPENS=(
  --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/sun.nio.cs=ALL-UNNAMED
  --add-opens=java.base/sun.security.action=ALL-UNNAMED
  --add-opens=java.base/sun.util.calendar=ALL-UNNAMED
  -Djdk.reflect.useDirectMethodHandle=false
)

split_words EXTRA_OPTS "${ENDOREWARD_JAVA_OPTS:-}"

# exec keeps this shell's pid for java, so the pid in the name is the job's.
LOG_FILE="${ENDOREWARD_LOG_FILE:-${TMPDIR:-/tmp}/endoreward/score-$(date +%Y%m%dT%H%M%S)-$$.log}"
mkdir -p "$(dirname "$LOG_FILE")"
# Java cannot tell whether stderr is a terminal: on one, progress is a line redrawn in place, else log lines.
STDERR_TERMINAL=false
if [[ -t 2 ]]; then
  STDERR_TERMINAL=true
fi

exec java "${ADD_OPENS[@]}" \
  "-Dspark.master=$MASTER" "${LOCAL_OPTS[@]}" \
  -Dai.djl.offline=true -DOPT_OUT_TRACKING=true \
  "-Dendoreward.home=$ROOT" \
  "-Dlog4j2.configurationFile=$ROOT/conf/log4j2-local.properties" \
  "-Dendoreward.log.file=$LOG_FILE" "-Dendoreward.stderr.terminal=$STDERR_TERMINAL" \
  "${EXTRA_OPTS[@]}" \
  -cp "$CLASSES:$DEPENDENCIES" \
  dev.endoreward.cli.Main score "$@"

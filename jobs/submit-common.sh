# Shared by jobs/submit-*.sh (sourced, not run): finds or builds the jobs jar, finds spark-submit, and
# turns the score command's arguments into spark-submit's. Environment read here:
#   JOBS_JAR              the jar to submit: a local file, or a URI the cluster can read
#                         (local:///opt/endoreward/endoreward-jobs.jar inside an image, hdfs://, s3a://).
#                         Default: the jar built under ENDOREWARD_BUILD_DIR, built when missing.
#   ENDOREWARD_BUILD_DIR  the Maven build folder (default <project>/target).
#   SPARK_HOME            where spark-submit lives (default: spark-submit on the PATH).

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${ENDOREWARD_BUILD_DIR:-$ROOT/target}"

# Every JVM spark-submit starts here (the client-mode driver) runs DJL offline, without telemetry.
export DJL_OFFLINE=true OPT_OUT_TRACKING=true

# Prints the jar to submit, building the project first when there is none.
jobs_jar() {
  if [[ -n "${JOBS_JAR:-}" ]]; then
    echo "$JOBS_JAR"
    return
  fi
  local jars=("$BUILD_DIR"/endoreward-*-jobs.jar)
  if [[ ! -f "${jars[0]}" ]]; then
    echo "Building the jobs jar into $BUILD_DIR ..." >&2
    (cd "$ROOT" && mvn -q -B -Dmaven.test.skip=true -DskipPythonTests=true -Dbuild.dir="$BUILD_DIR" package) >&2
    jars=("$BUILD_DIR"/endoreward-*-jobs.jar)
  fi
  echo "${jars[0]}"
}

# Prints the spark-submit to run.
spark_submit() {
  if [[ -n "${SPARK_HOME:-}" ]]; then
    echo "$SPARK_HOME/bin/spark-submit"
  else
    command -v spark-submit || { echo "Cannot find spark-submit: set SPARK_HOME or put it on the PATH" >&2; exit 2; }
  fi
}

# prepare_score_args DEPLOY_MODE ARGS...
# Sets SCORE_ARGS (the score command's arguments) and appends to SHIPPED_FILES (for --files). The job's
# properties file (--conf FILE, else conf/score.properties) is read by the driver: in client mode from
# this machine, in cluster mode from the driver's working folder, where spark-submit --files puts it.
SCORE_ARGS=()
SHIPPED_FILES=()
prepare_score_args() {
  local mode="$1"
  shift
  local conf=""
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --conf) conf="${2:?--conf needs a file}"; shift 2 ;;
      --conf=*) conf="${1#--conf=}"; shift ;;
      *) SCORE_ARGS+=("$1"); shift ;;
    esac
  done
  if [[ -z "$conf" && -f "$ROOT/conf/score.properties" ]]; then
    conf="$ROOT/conf/score.properties"
  fi
  if [[ -z "$conf" ]]; then
    return
  fi
  if [[ ! -f "$conf" ]]; then
    echo "Cannot read config file $conf: it does not exist" >&2
    exit 2
  fi
  conf="$(cd "$(dirname "$conf")" && pwd)/$(basename "$conf")"
  if [[ "$mode" == cluster ]]; then
    SHIPPED_FILES+=("$conf")
    SCORE_ARGS+=(--conf "$(basename "$conf")")
  else
    SCORE_ARGS+=(--conf "$conf")
  fi
}

# Prints "--files a,b" arguments for spark-submit, one per line, or nothing when no file is shipped.
files_option() {
  if [[ ${#SHIPPED_FILES[@]} -gt 0 ]]; then
    local IFS=,
    printf '%s\n' --files "${SHIPPED_FILES[*]}"
  fi
}

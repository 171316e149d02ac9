# shellcheck shell=bash
# Shared by jobs/submit-*.sh (sourced, not run): submit_score turns the score command's arguments into
# spark-submit's, with the jobs jar, built first when needed. Environment read here:
#   JOBS_JAR                 the jar to submit: a local file, or a URI the cluster can read
#                            (local:///opt/endoreward/endoreward-jobs.jar inside an image, hdfs://, s3a://).
#                            Default: the jar built under ENDOREWARD_BUILD_DIR, built when missing or older
#                            than the sources.
#   SPARK_CONF_FILE          spark-submit's --properties-file (each script sets its default).
#   SPARK_SUBMIT_OPTS_EXTRA  more spark-submit options, split on whitespace.
#   SPARK_HOME               where spark-submit lives (default: spark-submit on the PATH).
# and those of common.sh.
# shellcheck source=SCRIPTDIR/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# Prints the spark-submit to run.
spark_submit() {
  if [[ -n "${SPARK_HOME:-}" ]]; then
    echo "$SPARK_HOME/bin/spark-submit"
  else
    command -v spark-submit || { echo "Cannot find spark-submit: set SPARK_HOME or put it on the PATH" >&2; exit 2; }
  fi
}

# Sets JAR to the jar to submit: JOBS_JAR, else the one in BUILD_DIR, built first when needed. Not meant
# for $(...), where a failing build would not stop the script.
JAR=""
choose_jobs_jar() {
  if [[ -n "${JOBS_JAR:-}" ]]; then
    JAR="$JOBS_JAR"
    return
  fi
  ensure_built
  local jars
  mapfile -t jars < <(jobs_jars)
  if (( ${#jars[@]} != 1 )); then
    echo "Cannot choose the jobs jar: $BUILD_DIR holds ${#jars[@]} (${jars[*]}); delete the stale ones or set JOBS_JAR" >&2
    exit 2
  fi
  JAR="${jars[0]}"
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

# submit_score MASTER DEPLOY_MODE ARGS...: replaces this shell with spark-submit running the score job
# on MASTER with ARGS, the Spark settings of SPARK_CONF_FILE, and SHIPPED_FILES sent along with --files.
submit_score() {
  local master="$1" mode="$2"
  shift 2
  prepare_score_args "$mode" "$@"
  local files=() extra submit
  if (( ${#SHIPPED_FILES[@]} > 0 )); then
    files=(--files "$(IFS=,; echo "${SHIPPED_FILES[*]}")")
  fi
  split_words extra "${SPARK_SUBMIT_OPTS_EXTRA:-}"
  submit="$(spark_submit)"
  choose_jobs_jar
  exec "$submit" \
    --master "$master" \
    --deploy-mode "$mode" \
    --properties-file "$SPARK_CONF_FILE" \
    --class dev.endoreward.cli.Main \
    "${files[@]}" "${extra[@]}" \
    "$JAR" score "${SCORE_ARGS[@]}"
}

#!/usr/bin/env bash
# Submits the score job to YARN with NVIDIA GPUs (yarn.io/gpu).
#
#   jobs/submit-yarn.sh --model /models/qwen2.5-0.5b --input hdfs:///pairs/ --output hdfs:///scored/run1 \
#     [--conf FILE] [--set k=v ...]
#
# Environment: DEPLOY_MODE client (default; the driver runs here) or cluster (the driver runs in YARN;
# the properties file travels with --files), SPARK_CONF_FILE (default conf/spark-yarn.conf),
# SPARK_SUBMIT_OPTS_EXTRA (more spark-submit options, split on spaces), HADOOP_CONF_DIR (as for any YARN
# submission), and those of submit-common.sh.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/submit-common.sh"

DEPLOY_MODE="${DEPLOY_MODE:-client}"
SPARK_CONF_FILE="${SPARK_CONF_FILE:-$ROOT/conf/spark-yarn.conf}"
# YARN assigns GPUs but does not tell Spark which: executors run this script from their working folder.
SHIPPED_FILES+=("$ROOT/jobs/getGpusResources.sh")
prepare_score_args "$DEPLOY_MODE" "$@"
mapfile -t FILES < <(files_option)
# shellcheck disable=SC2206 # a list of options, split on spaces on purpose
EXTRA=(${SPARK_SUBMIT_OPTS_EXTRA:-})
SUBMIT="$(spark_submit)"
JAR="$(jobs_jar)"

exec "$SUBMIT" \
  --master yarn \
  --deploy-mode "$DEPLOY_MODE" \
  --properties-file "$SPARK_CONF_FILE" \
  --class dev.endoreward.cli.Main \
  "${FILES[@]}" "${EXTRA[@]}" \
  "$JAR" score "${SCORE_ARGS[@]}"

#!/usr/bin/env bash
# Submits the score job to YARN with NVIDIA GPUs (yarn.io/gpu).
#
#   jobs/submit-yarn.sh --model /models/qwen2.5-0.5b --input hdfs:///pairs/ --output hdfs:///scored/run1 \
#     [--conf FILE] [--set k=v ...]
#
# Environment: DEPLOY_MODE client (default; the driver runs here) or cluster (the driver runs in YARN;
# the properties file travels with --files), SPARK_CONF_FILE (default conf/spark-yarn.conf),
# HADOOP_CONF_DIR (as for any YARN submission), and those of submit-common.sh.
set -euo pipefail
# shellcheck source=SCRIPTDIR/submit-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/submit-common.sh"

DEPLOY_MODE="${DEPLOY_MODE:-client}"
SPARK_CONF_FILE="${SPARK_CONF_FILE:-$ROOT/conf/spark-yarn.conf}"
# YARN assigns GPUs but does not tell Spark which: executors run this script from their working folder.
SHIPPED_FILES+=("$ROOT/jobs/getGpusResources.sh")
submit_score yarn "$DEPLOY_MODE" "$@"

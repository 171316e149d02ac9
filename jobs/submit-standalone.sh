#!/usr/bin/env bash
# Submits the score job to a Spark standalone cluster with NVIDIA GPUs (client deploy mode: the driver
# runs here and reads the job's properties file from this machine).
#
#   SPARK_MASTER=spark://master:7077 jobs/submit-standalone.sh \
#     --model /models/qwen2.5-0.5b --input hdfs:///pairs/ --output hdfs:///scored/run1 [--conf FILE] [--set k=v ...]
#
# Environment: SPARK_MASTER (required), SPARK_CONF_FILE (default conf/spark-standalone.conf), and those
# of submit-common.sh. The workers must offer their GPUs (spark.worker.resource.gpu.*): see "Running on a
# GPU cluster" in README.md.
set -euo pipefail
# shellcheck source=SCRIPTDIR/submit-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/submit-common.sh"

: "${SPARK_MASTER:?Set SPARK_MASTER to the cluster, e.g. spark://master:7077}"
SPARK_CONF_FILE="${SPARK_CONF_FILE:-$ROOT/conf/spark-standalone.conf}"
submit_score "$SPARK_MASTER" client "$@"

#!/usr/bin/env bash
# Submits the score job to Kubernetes with NVIDIA GPUs (nvidia.com/gpu, from the NVIDIA device plugin).
#
#   SPARK_MASTER=k8s://https://kube-api.example.com:6443 \
#   JOBS_JAR=local:///opt/endoreward/endoreward-jobs.jar \
#   jobs/submit-k8s.sh --model /models/qwen2.5-0.5b --input s3a://bucket/pairs/ --output s3a://bucket/scored/run1 \
#     [--conf FILE] [--set k=v ...]
#
# Environment: SPARK_MASTER (required, k8s://https://<api server>), DEPLOY_MODE cluster (default; the
# properties file travels with --files through spark.kubernetes.file.upload.path) or client,
# JOBS_JAR (best: the jar inside the image, local:///...), SPARK_CONF_FILE (default conf/spark-k8s.conf),
# and those of submit-common.sh.
set -euo pipefail
# shellcheck source=SCRIPTDIR/submit-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/submit-common.sh"

: "${SPARK_MASTER:?Set SPARK_MASTER to the Kubernetes API server, e.g. k8s://https://kube-api:6443}"
DEPLOY_MODE="${DEPLOY_MODE:-cluster}"
SPARK_CONF_FILE="${SPARK_CONF_FILE:-$ROOT/conf/spark-k8s.conf}"
submit_score "$SPARK_MASTER" "$DEPLOY_MODE" "$@"

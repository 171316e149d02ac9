#!/usr/bin/env bash
# What the score job's run protocol costs beside one plain write: the same input, scored without a model
# on local[2], written once (score, persist, write scored and rejected) and by the score job in units (the
# shuffle by unit, two committed writes and a marker per unit, the counts read back).
#
#   jobs/bench-commit.sh [--rows N] [--units U1,U2,...] [--repeats R]
#
# Environment: ENDOREWARD_BUILD_DIR (results go to its bench/commit/) and those of bench-common.sh.
set -euo pipefail
# shellcheck source=SCRIPTDIR/bench-common.sh
source "$(dirname "${BASH_SOURCE[0]}")/bench-common.sh"

cd "$ROOT"
build_benchmarks
OUT="$BUILD_DIR/bench/commit"
rm -rf "$OUT"
"${BENCH_JAVA[@]}" "-Dlog4j2.configurationFile=$ROOT/conf/log4j2-local.properties" \
  dev.endoreward.spark.CommitProtocolBenchmark --output "$OUT" "$@"

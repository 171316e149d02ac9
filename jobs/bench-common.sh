# shellcheck shell=bash
# Shared by jobs/bench-*.sh (sourced, not run): the shared data, and the build and JVM of the benchmarks.
# Environment read here:
#   ENDOREWARD_SHARED  the shared data folder (default <project>/../shared)
#   BENCH_JAVA_OPTS    options of every benchmark JVM, split on whitespace (default -Xmx2g)
# and those of common.sh.
# shellcheck source=SCRIPTDIR/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

SHARED_GIVEN="${ENDOREWARD_SHARED:-$ROOT/../shared}"
SHARED="$(cd "$SHARED_GIVEN" 2>/dev/null && pwd)" \
  || { echo "Cannot find the shared data: $SHARED_GIVEN is not a folder; set ENDOREWARD_SHARED" >&2; exit 2; }
BENCH_JAVA_OPTS_TEXT="${BENCH_JAVA_OPTS:--Xmx2g}"

# Builds the benchmarks (the project's test classes) into BUILD_DIR and sets BENCH_JAVA to the command that
# runs one of them: java with BENCH_JAVA_OPTS, DJL offline, the shared data and the test class path.
BENCH_JAVA=()
build_benchmarks() {
  maven_build "Building the benchmarks into $BUILD_DIR ..." test-compile dependency:build-classpath \
    "-Dmdep.outputFile=$BUILD_DIR/bench-classpath.txt" -Dmdep.includeScope=test
  local opts dependencies
  split_words opts "$BENCH_JAVA_OPTS_TEXT"
  dependencies="$(<"$BUILD_DIR/bench-classpath.txt")"
  # shellcheck disable=SC2034 # read by the scripts that source this file
  BENCH_JAVA=(java "${opts[@]}" -Dai.djl.offline=true -DOPT_OUT_TRACKING=true "-Dendoreward.shared=$SHARED"
    -cp "$BUILD_DIR/test-classes:$CLASSES:$dependencies")
}

# Prints the python of the benchmark-only environment: ENDOREWARD_BENCH_PYTHON when set (an interpreter that
# has those packages), else a virtual environment built from src/test/python/bench/requirements.txt on first
# use (llama-cpp-python compiles llama.cpp: minutes) and reused while that file is unchanged:
# ${XDG_CACHE_HOME:-~/.cache}/endoreward/bench-venv-<12 hex of its sha256>. Fails, saying why, when it cannot
# be built.
bench_python() {
  if [[ -n "${ENDOREWARD_BENCH_PYTHON:-}" ]]; then
    echo "$ENDOREWARD_BENCH_PYTHON"
    return
  fi
  local requirements="$ROOT/src/test/python/bench/requirements.txt" digest venv
  digest="$(sha256sum "$requirements")"
  venv="${XDG_CACHE_HOME:-$HOME/.cache}/endoreward/bench-venv-${digest:0:12}"
  if [[ ! -f "$venv/.ready" ]]; then
    echo "Creating the benchmark environment $venv from $requirements (first use; builds llama.cpp) ..." >&2
    rm -rf "$venv"
    if ! { python3 -m venv "$venv" >&2 && "$venv/bin/pip" install --quiet --disable-pip-version-check \
        -r "$requirements" >&2; }; then
      echo "Cannot create the benchmark environment $venv: pip install -r $requirements failed (above)" >&2
      return 1
    fi
    touch "$venv/.ready"
  fi
  echo "$venv/bin/python"
}

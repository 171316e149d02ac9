# shellcheck shell=bash
# Shared by the scripts under jobs/ (sourced, not run): the project and build folders, the Maven builds,
# and option lists read from the environment. Environment read here:
#   ENDOREWARD_BUILD_DIR  the Maven build folder (default <project>/target).

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD_DIR="${ENDOREWARD_BUILD_DIR:-$ROOT/target}"
# What the package build leaves besides the jobs jar: jobs/score.sh runs these classes on this class path
# (the pom's local-run-classpath).
CLASSES="$BUILD_DIR/classes"
CLASSPATH_FILE="$BUILD_DIR/classpath.txt"
# Touched when a package build starts, kept only when it succeeds: sources newer than it were not built.
BUILD_STAMP="$BUILD_DIR/package-build.stamp"

# Every JVM started from here, Maven's included, runs DJL offline, without telemetry.
export DJL_OFFLINE=true OPT_OUT_TRACKING=true

# maven_build MESSAGE MAVEN_ARGS...: prints MESSAGE, then runs Maven on the project into BUILD_DIR with
# its output on stderr. Exits the script when the build fails, so that nothing runs stale or missing classes.
maven_build() {
  local message="$1" status=0
  shift
  echo "$message" >&2
  # Maven's quiet mode still prints colour resets (ESC[0m) with -B and -Dstyle.color=never: strip them.
  (set -o pipefail; cd "$ROOT" && mvn -q -B -Dstyle.color=never -DskipPythonTests=true "-Dbuild.dir=$BUILD_DIR" "$@" 2>&1 \
    | sed -u $'s/\e\\[[0-9;]*m//g') >&2 || status=$?
  if (( status != 0 )); then
    echo "Cannot build endoreward into $BUILD_DIR: mvn failed with exit status $status (its output is above)" >&2
    exit 1
  fi
}

# Prints the jobs jars in BUILD_DIR, one a line (the project version is in the name); fails when there is none.
jobs_jars() {
  compgen -G "$BUILD_DIR/endoreward-*-jobs.jar"
}

# Succeeds when pom.xml or anything under src/main/ changed after BUILD_STAMP was touched. Adding, removing
# or renaming a file changes its folder's time, so find sees those too.
sources_changed() {
  local changed
  changed="$(find "$ROOT/pom.xml" "$ROOT/src/main" -newer "$BUILD_STAMP" -print -quit)" \
    || { echo "Cannot tell whether the sources changed since the last build: find failed" >&2; exit 1; }
  [[ -n "$changed" ]]
}

# Runs the package build (no tests) unless its outputs are there and no source changed since it last
# succeeded: the quick path is a few file tests and one find.
ensure_built() {
  if [[ -f "$BUILD_STAMP" && -d "$CLASSES" && -f "$CLASSPATH_FILE" ]] && jobs_jars >/dev/null && ! sources_changed; then
    return
  fi
  mkdir -p "$BUILD_DIR"
  # The stamp takes the time before the build, so that a source edited during the build counts as changed.
  touch "$BUILD_STAMP.new"
  maven_build "Building endoreward into $BUILD_DIR ..." -Dmaven.test.skip=true package
  mv "$BUILD_STAMP.new" "$BUILD_STAMP"
}

# split_words ARRAY TEXT: sets ARRAY to the words of TEXT split on spaces, tabs and newlines, each kept
# verbatim (no glob expansion, no quote removal). read returns 1 when, as here, no NUL ends its input.
split_words() {
  IFS=$' \t\n' read -r -d '' -a "$1" <<< "$2" || true
}

# --- the memory allocator ----------------------------------------------------------------------------------
# libtorch frees and allocates each batch's activations, up to hundreds of MiB, on every forward pass. glibc's
# defaults give such blocks back to the kernel when they are freed, so every batch faults in fresh pages (most
# of the CPU time went to the kernel). Keeping freed pages for reuse gave 3.0 to 3.5x the tokens/s with jemalloc
# and 2.8 to 3.2x with glibc on one heap (BENCHMARKS.md, "Allocator").
JEMALLOC_CONF='dirty_decay_ms:-1,muzzy_decay_ms:-1'

# Prints the jemalloc library to preload: ENDOREWARD_JEMALLOC when set, else Debian's libjemalloc2 for this
# machine's architecture. Fails, printing nothing, when there is none.
jemalloc_library() {
  local library="${ENDOREWARD_JEMALLOC:-/usr/lib/$(uname -m)-linux-gnu/libjemalloc.so.2}"
  [[ -f "$library" ]] && echo "$library"
}

# Sets up the allocator of the JVMs started from here, as ENDOREWARD_MALLOC says (settings already in the
# environment are kept):
#   jemalloc (default)  preload jemalloc_library with MALLOC_CONF=JEMALLOC_CONF; where it is absent, as glibc
#   glibc               glibc on one heap that never shrinks: MALLOC_ARENA_MAX=1, MALLOC_MMAP_MAX_=0 (no block
#                       of its own for a large allocation) and MALLOC_TRIM_THRESHOLD_=16 GiB
#   system              change nothing
use_allocator() {
  local allocator="${ENDOREWARD_MALLOC:-jemalloc}" library
  case "$allocator" in
    system) return ;;
    jemalloc|glibc) ;;
    *) echo "Cannot choose the memory allocator: ENDOREWARD_MALLOC is '$allocator'; use jemalloc, glibc or system" >&2
       exit 2 ;;
  esac
  if [[ "$allocator" == jemalloc ]]; then
    if library="$(jemalloc_library)"; then
      export LD_PRELOAD="$library${LD_PRELOAD:+:$LD_PRELOAD}"
      export MALLOC_CONF="${MALLOC_CONF:-$JEMALLOC_CONF}"
      return
    fi
    if [[ -n "${ENDOREWARD_JEMALLOC:-}" ]]; then
      echo "Cannot preload jemalloc: ENDOREWARD_JEMALLOC names $ENDOREWARD_JEMALLOC, which is not a file" >&2
      exit 2
    fi
  fi
  export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-1}" MALLOC_MMAP_MAX_="${MALLOC_MMAP_MAX_:-0}" \
    MALLOC_TRIM_THRESHOLD_="${MALLOC_TRIM_THRESHOLD_:-17179869184}"
}

# --- the local launch of a command (used by the curation scripts) -----------------------------------------
# exec_main COMMAND ARGS...: builds when needed, then replaces the shell with `endoreward COMMAND ARGS...` on
# this machine's Spark in local mode (or the master in SPARK_MASTER), straight from the build folder, with
# Spark's --add-opens list for Java 17 (the pom's spark.add.opens), ENDOREWARD_JAVA_OPTS split on whitespace
# and the allocator that ENDOREWARD_MALLOC chooses (use_allocator).
# Its log goes to ENDOREWARD_LOG_FILE (default ${TMPDIR:-/tmp}/endoreward/COMMAND-<yyyyMMdd'T'HHmmss>-<pid>.log).
exec_main() {
  local command="$1"
  shift
  ensure_built
  use_allocator
  # Read here, not inside the java command line, where a failed read would go unnoticed.
  local dependencies
  dependencies="$(<"$CLASSPATH_FILE")"
  local master="${SPARK_MASTER:-local[*]}"
  local local_opts=()
  if [[ "$master" == local* ]]; then
    # The host name may resolve to an address other hosts cannot reach; a local run needs loopback only.
    export SPARK_LOCAL_IP=127.0.0.1
    local_opts=(-Dspark.driver.host=127.0.0.1 -Dspark.driver.bindAddress=127.0.0.1)
  fi
  local add_opens=()
  local package
  for package in java.lang java.lang.invoke java.lang.reflect java.io java.net java.nio java.util \
      java.util.concurrent java.util.concurrent.atomic sun.nio.ch sun.nio.cs sun.security.action sun.util.calendar; do
    add_opens+=("--add-opens=java.base/$package=ALL-UNNAMED")
  done
  local extra_opts
  split_words extra_opts "${ENDOREWARD_JAVA_OPTS:-}"
  # exec keeps this shell's pid for java, so the pid in the name is the job's.
  local log_file="${ENDOREWARD_LOG_FILE:-${TMPDIR:-/tmp}/endoreward/$command-$(date +%Y%m%dT%H%M%S)-$$.log}"
  mkdir -p "$(dirname "$log_file")"
  # Java cannot tell whether stderr is a terminal: on one, progress is a line redrawn in place, else log lines.
  local stderr_terminal=false
  if [[ -t 2 ]]; then
    stderr_terminal=true
  fi
  exec java "${add_opens[@]}" -Djdk.reflect.useDirectMethodHandle=false \
    "-Dspark.master=$master" "${local_opts[@]}" \
    -Dai.djl.offline=true -DOPT_OUT_TRACKING=true \
    "-Dendoreward.home=$ROOT" \
    "-Dlog4j2.configurationFile=$ROOT/conf/log4j2-local.properties" \
    "-Dendoreward.log.file=$log_file" "-Dendoreward.stderr.terminal=$stderr_terminal" \
    "${extra_opts[@]}" \
    -cp "$CLASSES:$dependencies" \
    dev.endoreward.cli.Main "$command" "$@"
}

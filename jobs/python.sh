#!/usr/bin/env bash
# Runs the project's Python interpreter with the given arguments. The pom's Python tests, the Java
# tests and the jobs all start Python through this script, so the interpreter is chosen here only.
#
#   jobs/python.sh ARGS...
#
# Environment:
#   ENDOREWARD_PYTHON  the interpreter, a path or a command on PATH (default /usr/bin/python3,
#                      Debian's, which has torch, numpy and jinja2 from apt).
set -euo pipefail

python="${ENDOREWARD_PYTHON:-/usr/bin/python3}"
if ! executable="$(type -P -- "${python}")"; then
  echo "Cannot run Python: no executable ${python} (set ENDOREWARD_PYTHON to an interpreter)" >&2
  exit 2
fi
exec "${executable}" "$@"

#!/usr/bin/env bash
# Runs the project's Python interpreter with the given arguments. The pom's Python tests, the Java
# tests and the jobs all start Python through this script, so the interpreter is chosen here only.
#
#   jobs/python.sh ARGS...
#
# By default that is the python of a virtual environment built from src/main/python/requirements.txt
# (every package pinned, torch at the Java runtime's libtorch version). The first run creates it
# with `python3 -m venv` and pip (a few GB from PyPI; pip keeps its download cache as usual), later
# runs reuse it. It lives outside the build folder, so `mvn clean` keeps it, and its name holds a
# hash of the requirements file, so a changed file gives a new environment (delete old ones by hand).
# Creation holds a lock (flock), so concurrent first runs build it once; a folder is used only once
# it is complete, and a half-built one (an interrupted run) is removed and built again.
#
# Environment:
#   ENDOREWARD_PYTHON       an interpreter to run instead (a path or a command on PATH); no
#                           environment is built then.
#   ENDOREWARD_VENV         the environment's folder (default
#                           ${XDG_CACHE_HOME:-~/.cache}/endoreward/venv-<12 hex of the requirements' sha256>).
#   ENDOREWARD_BASE_PYTHON  the Python that creates it (default python3 on PATH; 3.11 or later).
set -euo pipefail

if [[ -n "${ENDOREWARD_PYTHON:-}" ]]; then
  if ! executable="$(type -P -- "${ENDOREWARD_PYTHON}")"; then
    echo "Cannot run Python: no executable ${ENDOREWARD_PYTHON} (set ENDOREWARD_PYTHON to an interpreter)" >&2
    exit 2
  fi
  exec "${executable}" "$@"
fi

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
requirements="${repo_root}/src/main/python/requirements.txt"
if [[ ! -r "${requirements}" ]]; then
  echo "Cannot run Python: no requirements file ${requirements}" >&2
  exit 2
fi
digest="$(sha256sum "${requirements}")"
digest="${digest:0:12}"
venv="${ENDOREWARD_VENV:-${XDG_CACHE_HOME:-${HOME}/.cache}/endoreward/venv-${digest}}"
ready="${venv}/.endoreward-ready"   # written last, holds the requirements' digest
building="${venv}/.endoreward-building"

is_ready() { [[ -f "${ready}" && "$(<"${ready}")" == "${digest}" ]]; }

cannot() {
  echo "Cannot create the Python environment ${venv}: $*" >&2
  rm -rf -- "${venv}"
  exit 1
}

create() {
  if [[ -e "${venv}" ]]; then
    if [[ -e "${ready}" || -e "${building}" ]]; then
      rm -rf -- "${venv}" # half-built, or built from another requirements file
    else
      echo "Cannot create the Python environment ${venv}: the folder exists and is not one (set ENDOREWARD_VENV)" >&2
      exit 1
    fi
  fi
  local base="${ENDOREWARD_BASE_PYTHON:-python3}"
  echo "Creating the Python environment ${venv} from ${requirements} (first use; downloads a few GB)" >&2
  mkdir -p -- "${venv}" && touch -- "${building}" || cannot "cannot write there"
  "${base}" -m venv "${venv}" >&2 || cannot "${base} -m venv failed (on Debian, install python3-venv)"
  "${venv}/bin/python" -m pip install --quiet --disable-pip-version-check -r "${requirements}" >&2 \
    || cannot "pip install -r ${requirements} failed"
  echo "${digest}" > "${ready}.tmp" && mv -f -- "${ready}.tmp" "${ready}" && rm -f -- "${building}" \
    || cannot "cannot write ${ready}"
}

if ! is_ready; then
  mkdir -p -- "$(dirname -- "${venv}")" || { echo "Cannot create the Python environment ${venv}: cannot create its parent folder" >&2; exit 1; }
  if ! command -v flock >/dev/null; then
    echo "Cannot create the Python environment ${venv}: flock (util-linux) is not installed" >&2
    exit 1
  fi
  exec 9>"${venv}.lock"
  flock 9
  is_ready || create
  exec 9>&-
fi
exec "${venv}/bin/python" "$@"

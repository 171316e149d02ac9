"""Locations the Python tests share: the repository, the shared data folder and the scratch folder under target/."""

import functools
import os
from pathlib import Path
import shutil
import subprocess
import sys
import tempfile

REPO_ROOT = Path(__file__).resolve().parents[3]
SHARED = Path(os.environ.get("ENDOREWARD_SHARED", REPO_ROOT / ".." / "shared")).resolve()
STORIES = SHARED / "models" / "stories260K"
STORIES_CHECKPOINT = STORIES / "stories260K.bin"
STORIES_TOKENIZER = STORIES / "tok512.bin"
STORIES_GREEDY = STORIES / "greedy-200-from-bos.txt"
LLAMA2_32K_TOKENIZER = SHARED / "tokenizers" / "llama2c-llama2-32k" / "tokenizer.bin"
TARGET = REPO_ROOT / "target" / "python-tests"
PYTHON = sys.executable


def scratch_dir(prefix: str) -> Path:
    """A new empty folder under target/python-tests."""
    TARGET.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=prefix, dir=TARGET))


def require(path: Path) -> Path:
    """The path, or an error naming it: tests fail rather than skip when shared data is missing."""
    if not path.exists():
        raise FileNotFoundError(f"shared test data {path} is missing (set ENDOREWARD_SHARED)")
    return path


@functools.lru_cache(maxsize=None)
def stories_artefact() -> Path:
    """stories260K exported once per test run by jobs/export-model.sh, started from another folder."""
    out = TARGET / "stories260K-artefact"
    shutil.rmtree(out, ignore_errors=True)
    TARGET.mkdir(parents=True, exist_ok=True)
    subprocess.run([str(REPO_ROOT / "jobs" / "export-model.sh"), "--format", "llama2c",
                    "--checkpoint", str(require(STORIES_CHECKPOINT)), "--tokenizer", str(require(STORIES_TOKENIZER)),
                    "--output", str(out)], cwd=TARGET, check=True, stdout=subprocess.DEVNULL)
    return out

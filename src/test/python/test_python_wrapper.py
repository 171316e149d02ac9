"""The project's one Python setting: jobs/python.sh runs the python of a virtual environment it builds from the
pinned requirements file, or the interpreter ENDOREWARD_PYTHON names, and fails plainly when it cannot; and
jobs/export-model.sh lets EXPORT_PYTHON take its place.

The environment tests copy the script into a stand-in repository whose requirements file installs nothing (or
fails without a download), so each environment takes a couple of seconds to build."""

import hashlib
import os
from pathlib import Path
import shutil
import subprocess
import unittest

from fixtures import REPO_ROOT, scratch_dir

WRAPPER = str(REPO_ROOT / "jobs" / "python.sh")
EXPORTER = str(REPO_ROOT / "jobs" / "export-model.sh")
SETTINGS = ("ENDOREWARD_PYTHON", "EXPORT_PYTHON", "ENDOREWARD_VENV", "ENDOREWARD_BASE_PYTHON", "XDG_CACHE_HOME")
PRINT_PREFIX = ("-c", "import sys; print(sys.prefix)")
NOTHING = "# installs nothing\n"
FAILING = "--no-index\n./no-such-package-folder\n"


def fake_interpreter(name):
    """An executable that prints its name and arguments, so a test sees which interpreter ran."""
    path = scratch_dir("python-wrapper-") / name
    path.write_text(f'#!/bin/sh\necho {name} "$@"\n')
    path.chmod(0o755)
    return path


def environment(**settings):
    env = {key: value for key, value in os.environ.items() if key not in SETTINGS}
    return {**env, **settings}


def run(script, *arguments, **settings):
    return subprocess.run([str(script), *arguments], env=environment(**settings), capture_output=True, text=True)


def stand_in_repository(requirements: str) -> Path:
    """A folder with jobs/python.sh and src/main/python/requirements.txt holding ``requirements``."""
    root = scratch_dir("python-venv-")
    (root / "jobs").mkdir()
    shutil.copy2(WRAPPER, root / "jobs" / "python.sh")
    (root / "src" / "main" / "python").mkdir(parents=True)
    (root / "src" / "main" / "python" / "requirements.txt").write_text(requirements)
    return root


def wrapper_of(root: Path) -> Path:
    return root / "jobs" / "python.sh"


def cannot_lines(stderr: str):
    return [line for line in stderr.splitlines() if line.startswith("Cannot ")]


class TestPythonWrapper(unittest.TestCase):

    def test_runs_the_interpreter_endoreward_python_names_and_builds_no_environment(self):
        interpreter = fake_interpreter("chosen-python")
        venv = scratch_dir("python-venv-") / "venv"
        result = run(WRAPPER, "-c", "pass", ENDOREWARD_PYTHON=str(interpreter), ENDOREWARD_VENV=str(venv))
        self.assertEqual((result.returncode, result.stdout), (0, "chosen-python -c pass\n"))
        self.assertFalse(venv.exists())

    def test_finds_a_bare_name_on_path(self):
        interpreter = fake_interpreter("python-on-path")
        result = run(WRAPPER, "-V", ENDOREWARD_PYTHON="python-on-path",
                     PATH=f"{interpreter.parent}{os.pathsep}{os.environ['PATH']}")
        self.assertEqual((result.returncode, result.stdout), (0, "python-on-path -V\n"))

    def test_missing_interpreter_exits_2_with_one_line(self):
        missing = str(scratch_dir("python-wrapper-") / "no-such-python")
        result = run(WRAPPER, "-c", "pass", ENDOREWARD_PYTHON=missing)
        self.assertEqual(result.returncode, 2)
        self.assertEqual(result.stdout, "")
        self.assertEqual(len(result.stderr.splitlines()), 1)
        self.assertTrue(result.stderr.startswith("Cannot "), result.stderr)
        self.assertIn(missing, result.stderr)

    def test_export_python_takes_its_place_for_the_exporter(self):
        exporter_python = fake_interpreter("exporter-python")
        result = run(EXPORTER, "--help", ENDOREWARD_PYTHON="/no/such/python", EXPORT_PYTHON=str(exporter_python))
        self.assertEqual((result.returncode, result.stdout), (0, "exporter-python -m endoreward_export --help\n"))

    def test_builds_the_environment_once_then_reuses_it(self):
        root = stand_in_repository(NOTHING)
        venv = root / "venv"
        first = run(wrapper_of(root), *PRINT_PREFIX, ENDOREWARD_VENV=str(venv))
        self.assertEqual((first.returncode, first.stdout), (0, f"{venv}\n"), first.stderr)
        self.assertIn("Creating the Python environment", first.stderr)
        self.assertTrue((venv / ".endoreward-ready").is_file())
        self.assertFalse((venv / ".endoreward-building").exists())
        second = run(wrapper_of(root), *PRINT_PREFIX, ENDOREWARD_VENV=str(venv))
        self.assertEqual((second.returncode, second.stdout, second.stderr), (0, f"{venv}\n", ""))

    def test_default_folder_is_named_by_the_requirements_hash_under_the_cache_folder(self):
        root = stand_in_repository(NOTHING)
        cache = root / "cache"
        digest = hashlib.sha256(NOTHING.encode()).hexdigest()[:12]
        result = run(wrapper_of(root), *PRINT_PREFIX, XDG_CACHE_HOME=str(cache))
        self.assertEqual((result.returncode, result.stdout), (0, f"{cache}/endoreward/venv-{digest}\n"), result.stderr)
        # a changed requirements file gives a new environment beside the old one
        (root / "src" / "main" / "python" / "requirements.txt").write_text(NOTHING + "# changed\n")
        changed = run(wrapper_of(root), *PRINT_PREFIX, XDG_CACHE_HOME=str(cache))
        self.assertEqual(changed.returncode, 0, changed.stderr)
        self.assertNotEqual(changed.stdout, result.stdout)
        self.assertEqual(len([path for path in (cache / "endoreward").glob("venv-*") if path.is_dir()]), 2)

    def test_a_changed_requirements_file_rebuilds_a_named_environment(self):
        root = stand_in_repository(NOTHING)
        venv = root / "venv"
        self.assertEqual(run(wrapper_of(root), "-c", "pass", ENDOREWARD_VENV=str(venv)).returncode, 0)
        (venv / "stale").write_text("from the old requirements")
        (root / "src" / "main" / "python" / "requirements.txt").write_text(NOTHING + "# changed\n")
        result = run(wrapper_of(root), "-c", "pass", ENDOREWARD_VENV=str(venv))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("Creating the Python environment", result.stderr)
        self.assertFalse((venv / "stale").exists())

    def test_pip_failure_exits_1_with_one_cannot_line_and_leaves_no_environment(self):
        root = stand_in_repository(FAILING)
        venv = root / "venv"
        result = run(wrapper_of(root), "-c", "pass", ENDOREWARD_VENV=str(venv))
        self.assertEqual(result.returncode, 1)
        self.assertEqual(result.stdout, "")
        self.assertEqual(len(cannot_lines(result.stderr)), 1, result.stderr)
        self.assertTrue(result.stderr.splitlines()[-1].startswith(f"Cannot create the Python environment {venv}"))
        self.assertIn("pip install", result.stderr.splitlines()[-1])
        self.assertFalse(venv.exists())

    def test_a_half_built_environment_is_removed_and_built_again(self):
        root = stand_in_repository(NOTHING)
        venv = root / "venv"
        venv.mkdir()
        (venv / ".endoreward-building").touch()  # left by a run killed while building
        (venv / "partial").write_text("half a download")
        result = run(wrapper_of(root), *PRINT_PREFIX, ENDOREWARD_VENV=str(venv))
        self.assertEqual((result.returncode, result.stdout), (0, f"{venv}\n"), result.stderr)
        self.assertFalse((venv / "partial").exists())

    def test_refuses_to_replace_a_folder_it_did_not_build(self):
        root = stand_in_repository(NOTHING)
        venv = root / "someone-elses"
        venv.mkdir()
        (venv / "keep.txt").write_text("not an environment")
        result = run(wrapper_of(root), "-c", "pass", ENDOREWARD_VENV=str(venv))
        self.assertEqual(result.returncode, 1)
        self.assertEqual(len(result.stderr.splitlines()), 1, result.stderr)
        self.assertTrue(result.stderr.startswith("Cannot "), result.stderr)
        self.assertTrue((venv / "keep.txt").is_file())

    def test_two_first_runs_at_once_build_one_environment(self):
        root = stand_in_repository(NOTHING)
        venv = root / "venv"
        processes = [subprocess.Popen([str(wrapper_of(root)), *PRINT_PREFIX], env=environment(ENDOREWARD_VENV=str(venv)),
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
        results = [(p.returncode, out, err) for p in processes for out, err in [p.communicate()]]
        self.assertEqual([(rc, out) for rc, out, _ in results], [(0, f"{venv}\n")] * 2, results)
        self.assertEqual(sum("Creating the Python environment" in err for _, _, err in results), 1, results)


if __name__ == "__main__":
    unittest.main()

"""The project's one Python setting: jobs/python.sh runs the interpreter ENDOREWARD_PYTHON names, or fails plainly
when there is none, and jobs/export-model.sh lets EXPORT_PYTHON take its place."""

import os
import subprocess
import unittest

from fixtures import REPO_ROOT, scratch_dir

WRAPPER = str(REPO_ROOT / "jobs" / "python.sh")
EXPORTER = str(REPO_ROOT / "jobs" / "export-model.sh")


def fake_interpreter(name):
    """An executable that prints its name and arguments, so a test sees which interpreter ran."""
    path = scratch_dir("python-wrapper-") / name
    path.write_text(f'#!/bin/sh\necho {name} "$@"\n')
    path.chmod(0o755)
    return path


def run(script, *arguments, **environment):
    env = {key: value for key, value in os.environ.items()
           if key not in ("ENDOREWARD_PYTHON", "EXPORT_PYTHON")}
    return subprocess.run([script, *arguments], env={**env, **environment}, capture_output=True, text=True)


class TestPythonWrapper(unittest.TestCase):

    def test_runs_the_interpreter_endoreward_python_names(self):
        interpreter = fake_interpreter("chosen-python")
        result = run(WRAPPER, "-c", "pass", ENDOREWARD_PYTHON=str(interpreter))
        self.assertEqual((result.returncode, result.stdout), (0, "chosen-python -c pass\n"))

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


if __name__ == "__main__":
    unittest.main()

"""Every notebook under notebooks/ runs top to bottom from the repository root."""

import json
import os
import unittest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
NOTEBOOKS = os.path.join(REPO, "notebooks")


class NotebooksRun(unittest.TestCase):
    def test_every_notebook_runs(self):
        names = sorted(name for name in os.listdir(NOTEBOOKS) if name.endswith(".ipynb"))
        self.assertTrue(names, "notebooks/ holds no notebook")
        for name in names:
            with self.subTest(notebook=name):
                with open(os.path.join(NOTEBOOKS, name), encoding="utf-8") as f:
                    cells = json.load(f)["cells"]
                namespace = {"__name__": "__notebook__"}
                cwd = os.getcwd()
                os.chdir(REPO)
                try:
                    for cell in cells:
                        if cell["cell_type"] == "code":
                            exec(compile("".join(cell["source"]), name, "exec"), namespace)
                finally:
                    os.chdir(cwd)


if __name__ == "__main__":
    unittest.main()

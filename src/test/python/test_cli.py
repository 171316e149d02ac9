"""The exporter's command line: argument errors, failures and their exit statuses, through jobs/export-model.sh."""

import subprocess
import unittest

from fixtures import LLAMA2_32K_TOKENIZER, REPO_ROOT, STORIES_CHECKPOINT, STORIES_TOKENIZER, require, scratch_dir

SCRIPT = str(REPO_ROOT / "jobs" / "export-model.sh")


def export_model(*arguments, cwd):
    return subprocess.run([SCRIPT, *arguments], cwd=cwd, capture_output=True, text=True)


class TestCli(unittest.TestCase):

    def test_argument_errors_exit_2_with_the_reason(self):
        folder = scratch_dir("cli-arguments-")
        out = str(folder / "out")
        cases = [
            ((), "the following arguments are required: --format, --output"),
            (("--format", "onnx", "--output", out), "argument --format: invalid choice: 'onnx'"),
            (("--format", "llama2c", "--output", out, "--tokenizer", "t.bin"),
             "--checkpoint is required with --format llama2c"),
            (("--format", "hf", "--output", out), "--model is required with --format hf"),
            (("--format", "llama2c", "--output", out, "--checkpoint", "m.bin", "--tokenizer", "t.bin",
              "--dtype", "float16"), "--dtype does not apply to --format llama2c"),
            (("--format", "hf", "--output", out, "--model", "m", "--checkpoint", "m.bin"),
             "--checkpoint does not apply to --format hf"),
        ]
        for arguments, reason in cases:
            with self.subTest(arguments=arguments):
                result = export_model(*arguments, cwd=folder)
                self.assertEqual(result.returncode, 2)
                self.assertIn(f"Cannot export model: {reason}", result.stderr)
        self.assertEqual(list(folder.iterdir()), [])

    def test_unreadable_input_exits_1_and_writes_nothing(self):
        folder = scratch_dir("cli-missing-")
        result = export_model("--format", "llama2c", "--checkpoint", "missing.bin",
                              "--tokenizer", str(require(STORIES_TOKENIZER)), "--output", "out", cwd=folder)
        self.assertEqual(result.returncode, 1)
        self.assertEqual(result.stderr.strip(),
                         "Cannot export model: cannot read checkpoint missing.bin: No such file or directory")
        self.assertFalse((folder / "out").exists())

    def test_tokenizer_of_another_size_exits_1(self):
        folder = scratch_dir("cli-mismatch-")
        result = export_model("--format", "llama2c", "--checkpoint", str(require(STORIES_CHECKPOINT)),
                              "--tokenizer", str(require(LLAMA2_32K_TOKENIZER)), "--output", "out", cwd=folder)
        self.assertEqual(result.returncode, 1)
        self.assertRegex(result.stderr, r"Cannot export model: tokenizer .* has 32000 tokens but checkpoint .* has 512")
        self.assertFalse((folder / "out").exists())


if __name__ == "__main__":
    unittest.main()

"""The Hugging Face front end on real transformers architectures (Llama, Qwen2, Qwen3, Gemma 3, GPT-2, and a
bfloat16 Llama) built from small configs with random weights: each is saved, exported through the command
line, and the artefact's outputs on right-padded batches are compared on the CPU with the eager model's full
logits on each sequence alone (gpu/check_hf_export.py, which also runs them on CUDA)."""

import json
import sys
import unittest

from fixtures import REPO_ROOT, scratch_dir

sys.path.insert(0, str(REPO_ROOT / "src" / "test" / "python" / "gpu"))
import check_hf_export  # noqa: E402
import transformers  # noqa: E402


class TestHfExport(unittest.TestCase):

    def test_small_random_models_export_and_match_eager(self):
        root = scratch_dir("hf-export-")
        for kind, dtype, add_bos, chat_template in check_hf_export.CASES:
            with self.subTest(model=kind, dtype=dtype):
                results = check_hf_export.check_case(root, kind, dtype, add_bos, chat_template, ["cpu"])
                self.assertIsNotNone(results, "the export failed")
                [(device, diffs, mismatches, tolerance, ok)] = results
                self.assertTrue(ok, f"{diffs}, {mismatches} argmax mismatches, tolerance {tolerance}")
                manifest = json.loads((root / f"{kind}-{dtype}-artefact" / "manifest.json").read_text())
                self.assertEqual(manifest["transformers_version"], transformers.__version__)
                self.assertIn("selftest.json", manifest["files"])


if __name__ == "__main__":
    unittest.main()

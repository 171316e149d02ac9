"""The committed demo artefact: intact, consistent with its tokenizer, and still ranking correct answers first."""

import hashlib
import json
import unittest

import torch

from endoreward_demo import evaluate, reexport
from endoreward_demo import tokenizer as demo_tokenizer
from endoreward_export.artefact import FORMAT_VERSION, RUNTIME_TORCH_VERSION, pad_right
from endoreward_export.llama import language_model
from endoreward_export.reward_head import reward_head
from fixtures import REPO_ROOT

MODEL_DIR = REPO_ROOT / "src" / "demo" / "model"


class TestDemoModel(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        with open(MODEL_DIR / "manifest.json", encoding="utf-8") as source:
            cls.manifest = json.load(source)
        cls.module = torch.jit.load(str(MODEL_DIR / "model.pt"), map_location="cpu").eval()
        cls.tokenizer = demo_tokenizer.DemoTokenizer()

    def test_files_match_the_manifest(self):
        for name, digest in self.manifest["files"].items():
            self.assertEqual(hashlib.sha256((MODEL_DIR / name).read_bytes()).hexdigest(), digest, name)

    def test_artefact_stays_small(self):
        total = sum(path.stat().st_size for path in MODEL_DIR.iterdir())
        self.assertLess(total, 4 * 1024 * 1024)

    def test_manifest_agrees_with_the_tokenizer(self):
        self.assertEqual(self.manifest["vocab_size"], self.tokenizer.vocab_size)
        self.assertEqual(self.manifest["max_length"], demo_tokenizer.MODEL_MAX_LENGTH)
        self.assertEqual(self.manifest["bos_token_id"], self.tokenizer.bos_id)
        self.assertEqual(self.manifest["eos_token_id"], self.tokenizer.eos_id)
        self.assertEqual(self.manifest["dtype"], "float32")

    def test_exported_by_the_current_format_on_the_runtime_torch(self):
        self.assertEqual(self.manifest["format_version"], FORMAT_VERSION)
        self.assertEqual(self.manifest["torch_version"].split("+")[0], RUNTIME_TORCH_VERSION)

    def test_selftest_matches_the_module(self):
        with open(MODEL_DIR / "selftest.json", encoding="utf-8") as source:
            selftest = json.load(source)
        ids, mask = pad_right(selftest["input_ids"], self.manifest["pad_token_id"])
        with torch.no_grad():
            next_token_logit, logsumexp = self.module(ids, mask)
        for i, row in enumerate(selftest["input_ids"]):
            for name, actual in (("next_token_logit", next_token_logit), ("logsumexp", logsumexp)):
                difference = (actual[i, :len(row)].double() - torch.tensor(selftest[name][i]).double()).abs().max()
                self.assertLessEqual(difference.item(), selftest["tolerance"], name)

    def test_reexport_recovers_the_eager_model_from_the_archive(self):
        model, config, _, examples = reexport.load_trained(MODEL_DIR)
        self.assertEqual(examples, self.manifest["source"]["training"]["examples"])
        self.assertEqual(config.steps, self.manifest["source"]["training"]["steps"])
        rows = [[1] + [300 + i % 50 for i in range(n)] for n in (4, 30, 120)]
        ids, mask = pad_right(rows, self.manifest["pad_token_id"])
        with torch.no_grad():
            eager, traced = reward_head(language_model(model))(ids, mask), self.module(ids, mask)
        for name, expected, actual in zip(("next_token_logit", "logsumexp"), eager, traced):
            torch.testing.assert_close(actual[mask.bool()], expected[mask.bool()], atol=1e-4, rtol=0, msg=name)

    def test_reward_ranks_correct_responses_first_on_held_out_questions(self):
        # The full evaluation (600 questions) is in src/demo/README.md; this guards against an
        # artefact that no longer matches its tokenizer or template.
        report = evaluate.evaluate(self.module, evaluate.held_out_questions(count=60, seed=31),
                                   self.tokenizer)
        self.assertGreater(report["top1_reward"]["accuracy"], 0.6)
        self.assertGreater(report["pairwise_reward"]["accuracy"], 0.85)
        self.assertEqual(report["same_pick_reward_logprob"]["accuracy"], 1.0)


if __name__ == "__main__":
    unittest.main()

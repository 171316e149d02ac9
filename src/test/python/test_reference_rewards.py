"""The reference reward command against the exported stories260K artefact's reductions and the design identities."""

import json
import subprocess
import unittest

import torch

from fixtures import PYTHON, REPO_ROOT, STORIES_CHECKPOINT, STORIES_TOKENIZER, require, scratch_dir, stories_artefact
from llama2c_reference import Llama2cTokenizer

SCRIPT = REPO_ROOT / "src" / "test" / "python" / "reference_rewards.py"


def run_reference(pairs, *options):
    folder = scratch_dir("reference-rewards-")
    (folder / "pairs.json").write_text(json.dumps(pairs))
    subprocess.run([PYTHON, str(SCRIPT), "--checkpoint", str(require(STORIES_CHECKPOINT)),
                    "--input", str(folder / "pairs.json"), "--output", str(folder / "rewards.json"), *options],
                   check=True, cwd=folder)
    return json.loads((folder / "rewards.json").read_text())


class TestReferenceRewards(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        tokenizer = Llama2cTokenizer(require(STORIES_TOKENIZER))
        cls.pairs = [
            {"id": "story", "prompt_ids": tokenizer.encode("Once upon a time, there was a"),
             "response_ids": tokenizer.encode("little girl named Lily. She loved to play.", bos=False)},
            {"id": "odd", "prompt_ids": tokenizer.encode("The cat"),
             "response_ids": tokenizer.encode("quantum spreadsheet", bos=False, eos=True)},
            {"id": "shortest", "prompt_ids": [1], "response_ids": [403]},
        ]
        cls.artefact = torch.jit.load(str(stories_artefact() / "model.pt"))

    def artefact_terms(self, pair):
        """Chosen logits, logsumexps and the logsumexp after the last token, from the traced module (float32)."""
        ids = torch.tensor([pair["prompt_ids"] + pair["response_ids"]])
        with torch.no_grad():
            next_logit, lse = self.artefact(ids, torch.ones_like(ids))
        p, r = len(pair["prompt_ids"]), len(pair["response_ids"])
        positions = range(p - 1, p + r - 1)
        return ([next_logit[0, t].item() for t in positions], [lse[0, t].item() for t in positions],
                lse[0, p + r - 1].item())

    def test_default_options_match_the_artefact_and_the_identity(self):
        results = run_reference(self.pairs)
        self.assertEqual(sorted(results), ["odd", "shortest", "story"])
        for pair in self.pairs:
            with self.subTest(pair=pair["id"]):
                result = results[pair["id"]]
                chosen, lse, _ = self.artefact_terms(pair)
                r = len(pair["response_ids"])
                expected_logprobs = [c - x for c, x in zip(chosen, lse)]
                expected_rewards = [c - v for c, v in zip(chosen, lse[1:] + [0.0])]
                self.assertEqual(len(result["token_logprobs"]), r)
                for actual, expected in zip(result["token_logprobs"], expected_logprobs):
                    self.assertAlmostEqual(actual, expected, delta=1e-4)
                for actual, expected in zip(result["token_rewards"], expected_rewards):
                    self.assertAlmostEqual(actual, expected, delta=1e-4)
                self.assertAlmostEqual(result["value_prompt"], lse[0], delta=1e-4)
                self.assertAlmostEqual(result["reward"], result["logprob"] + result["value_prompt"], delta=1e-9)
                self.assertAlmostEqual(result["reward_mean"], result["reward"] / r, delta=1e-12)
                self.assertAlmostEqual(result["logprob_mean"], result["logprob"] / r, delta=1e-12)
                self.assertAlmostEqual(result["logprob"], sum(result["token_logprobs"]), delta=1e-9)
                self.assertTrue(all(lp < 0 for lp in result["token_logprobs"]))

    def test_alpha_gamma_and_bootstrap_terminal(self):
        results = run_reference(self.pairs, "--alpha", "2", "--gamma", "0.5", "--terminal", "bootstrap")
        for pair in self.pairs:
            with self.subTest(pair=pair["id"]):
                result = results[pair["id"]]
                chosen, lse, final_lse = self.artefact_terms(pair)
                next_values = [2 * x for x in lse[1:]] + [2 * final_lse]
                for actual, c, v in zip(result["token_rewards"], chosen, next_values):
                    self.assertAlmostEqual(actual, 2 * c - 0.5 * v, delta=1e-3)
                self.assertAlmostEqual(result["value_prompt"], 2 * lse[0], delta=1e-3)
                self.assertAlmostEqual(result["reward"], sum(result["token_rewards"]), delta=1e-9)


if __name__ == "__main__":
    unittest.main()

"""The Hugging Face wrapper's inputs to the model, checked with a stand-in that consumes them as transformers'
eager attention does (additive 4D mask, explicit position ids); the real architectures are covered by
gpu/check_hf_export.py."""

import unittest

import torch
from torch import nn

from endoreward_export.artefact import write_artefact
from endoreward_export.hf import CausalLmLogits, _first_id, _max_length
from fixtures import scratch_dir

VOCAB = 23
MAX_LENGTH = 16


class EagerAttentionLm(nn.Module):
    """One attention layer with learned absolute positions; adds ``attention_mask`` [B, 1, T, T] to the scores."""

    def __init__(self):
        super().__init__()
        torch.manual_seed(6)
        self.embed = nn.Embedding(VOCAB, 8)
        self.positions = nn.Embedding(MAX_LENGTH, 8)
        self.qkv = nn.Linear(8, 24)
        self.head = nn.Linear(8, VOCAB)
        self.seen = []

    def forward(self, input_ids, attention_mask, position_ids, use_cache, return_dict):
        self.seen.append((attention_mask, position_ids, use_cache, return_dict))
        h = self.embed(input_ids) + self.positions(position_ids)  # [B, T, 8]
        q, k, v = self.qkv(h).chunk(3, dim=-1)
        scores = q @ k.transpose(1, 2) / 8 ** 0.5 + attention_mask[:, 0]  # [B, T, T]
        return (self.head(torch.softmax(scores, dim=-1) @ v),)


class TestHfWrapper(unittest.TestCase):

    def test_mask_is_causal_hides_padding_and_positions_count_from_zero(self):
        lm = EagerAttentionLm()
        ids = torch.tensor([[5, 6, 7, 8], [5, 6, 2, 2]])
        mask = torch.tensor([[1, 1, 1, 1], [1, 1, 0, 0]])
        CausalLmLogits(lm, torch.float32)(ids, mask)
        additive, positions, use_cache, return_dict = lm.seen[-1]
        lowest = torch.finfo(torch.float32).min
        allowed_first = torch.tensor([[1, 0, 0, 0], [1, 1, 0, 0], [1, 1, 1, 0], [1, 1, 1, 1]]).bool()
        allowed_second = allowed_first & torch.tensor([1, 1, 0, 0]).bool()
        self.assertEqual(list(additive.shape), [2, 1, 4, 4])
        self.assertTrue(torch.equal(additive[0, 0] == 0, allowed_first))
        self.assertTrue(torch.equal(additive[1, 0] == 0, allowed_second))
        self.assertTrue((additive[~torch.stack([allowed_first, allowed_second]).unsqueeze(1)] == lowest).all())
        self.assertEqual(positions.tolist(), [[0, 1, 2, 3], [0, 1, 2, 3]])
        self.assertEqual((use_cache, return_dict), (False, False))

    def test_exported_wrapper_matches_each_row_run_alone(self):
        lm = EagerAttentionLm().eval()
        out = scratch_dir("hf-wrapper-")
        write_artefact(CausalLmLogits(lm, torch.float32), out, {}, {}, {"format": "hf", "model": "stand-in"},
                       VOCAB, MAX_LENGTH, 1, 2, 2)
        traced = torch.jit.load(str(out / "model.pt"))
        rows = [[1, 4, 9, 3, 3, 7, 12, 8, 20, 5, 11], [1, 15, 6]]
        ids = torch.tensor([rows[0], rows[1] + [2] * 8])
        mask = torch.tensor([[1] * 11, [1] * 3 + [0] * 8])
        with torch.no_grad():
            lse = traced(ids, mask)[1]
            for i, row in enumerate(rows):
                alone = torch.tensor([row])
                positions = torch.arange(len(row)).unsqueeze(0)
                causal = torch.full((len(row), len(row)), torch.finfo(torch.float32).min).triu(1)
                logits = lm(alone, causal[None, None], positions, False, False)[0][0].double()
                torch.testing.assert_close(lse[i, :len(row)].double(), torch.logsumexp(logits, -1),
                                           atol=1e-5, rtol=0)

    def test_config_helpers_pick_the_first_id_and_the_length_attribute(self):
        self.assertEqual(_first_id(None, [7, 9], 3), 7)
        self.assertEqual(_first_id(None, None), None)
        self.assertEqual(_first_id(4, 5), 4)

        class Gpt2Like:
            n_positions = 1024

        self.assertEqual(_max_length(Gpt2Like()), 1024)


if __name__ == "__main__":
    unittest.main()

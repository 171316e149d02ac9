"""The reward head of an artefact (forward and greedy) against reductions computed here from the eager model's
full logits, and its chunking: any chunk size gives the same numbers, and the chunk loop survives scripting."""

import unittest

import torch

from endoreward_export.artefact import write_artefact
from endoreward_export.llama import HiddenStates, Llama, LlamaConfig, language_model
from endoreward_export.reward_head import reward_head
from fixtures import scratch_dir

VOCAB = 41
MAX_LENGTH = 40
PAD = 2


def eager_reductions(model, rows):
    """Per row, run alone: next-token logit (t < n - 1), logsumexp in float64, max and argmax of each position."""
    results = []
    with torch.no_grad():
        for row in rows:
            logits = model(torch.tensor([row]))[0].double()  # [n, V]
            next_logit = torch.tensor([logits[t, row[t + 1]].item() for t in range(len(row) - 1)], dtype=torch.float64)
            results.append((next_logit, torch.logsumexp(logits, -1), logits.max(-1).values, logits.argmax(-1)))
    return results


def padded(rows):
    length = max(len(row) for row in rows)
    ids = torch.tensor([row + [PAD] * (length - len(row)) for row in rows])
    mask = torch.tensor([[1] * len(row) + [0] * (length - len(row)) for row in rows])
    return ids, mask


class TestRewardHead(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        torch.manual_seed(3)
        config = LlamaConfig(dim=32, hidden_dim=64, n_layers=2, n_heads=4, n_kv_heads=2, vocab_size=VOCAB,
                             max_seq_len=MAX_LENGTH)
        cls.model = Llama(config).eval()
        with torch.no_grad():  # spread the logits so reductions are far from trivial
            cls.model.output.weight.mul_(8.0)
        out = scratch_dir("reward-head-")
        write_artefact(language_model(cls.model), out, {}, {}, {"format": "test", "model": "random"}, VOCAB,
                       MAX_LENGTH, 1, 2, PAD)
        cls.traced = torch.jit.load(str(out / "model.pt"))
        cls.generator = torch.Generator().manual_seed(4)

    def random_rows(self, lengths):
        return [[1] + torch.randint(0, VOCAB, (n - 1,), generator=self.generator).tolist() for n in lengths]

    def assert_matches_eager(self, rows):
        ids, mask = padded(rows)
        with torch.no_grad():
            next_logit, lse = self.traced(ids, mask)
            max_logit, argmax = self.traced.greedy(ids, mask)
        self.assertEqual([next_logit.dtype, lse.dtype, max_logit.dtype, argmax.dtype],
                         [torch.float32, torch.float32, torch.float32, torch.int64])
        for i, (e_next, e_lse, e_max, e_argmax) in enumerate(eager_reductions(self.model, rows)):
            n = len(rows[i])
            torch.testing.assert_close(next_logit[i, :n - 1].double(), e_next, atol=1e-4, rtol=0)
            torch.testing.assert_close(lse[i, :n].double(), e_lse, atol=1e-4, rtol=0)
            torch.testing.assert_close(max_logit[i, :n].double(), e_max, atol=1e-4, rtol=0)
            self.assertEqual(argmax[i, :n].tolist(), e_argmax.tolist())

    def test_outputs_match_eager_on_shapes_other_than_the_trace_shape(self):
        for lengths in ([1], [7], [3, 17, 9], [MAX_LENGTH, 2], [13] * 6):
            with self.subTest(lengths=lengths):
                self.assert_matches_eager(self.random_rows(lengths))

    def test_row_outputs_do_not_depend_on_padding_or_batch_mates(self):
        short, long_a, long_b = self.random_rows([6, 30, 21])
        with torch.no_grad():
            alone = self.traced(*padded([short])) + self.traced.greedy(*padded([short]))
            batched = self.traced(*padded([long_a, short, long_b])) + self.traced.greedy(*padded([long_a, short, long_b]))
        # a few float32 ulps: the batched matrix products may sum in another order
        for output in (0, 1, 2):
            torch.testing.assert_close(batched[output][1, :6], alone[output][0], atol=1e-5, rtol=1e-6)
        self.assertEqual(batched[3][1, :6].tolist(), alone[3][0].tolist())

    def test_next_token_logit_is_zero_where_no_token_follows_and_outputs_are_zero_at_padding(self):
        ids, mask = padded(self.random_rows([9, 4, 12]))
        with torch.no_grad():
            next_logit, lse = self.traced(ids, mask)
            max_logit, argmax = self.traced.greedy(ids, mask)
        follows = torch.cat([mask[:, 1:], mask[:, :1] * 0], dim=1).bool()  # [B, T]
        self.assertTrue((next_logit[~follows] == 0).all())
        self.assertTrue((next_logit[follows] != 0).all())
        for output in (lse, max_logit, argmax):
            self.assertTrue((output[~mask.bool()] == 0).all())
            self.assertTrue((output[mask.bool()] != 0).any())

    def test_score_from_gives_the_eager_reductions_from_each_rows_first_position_and_zero_before(self):
        rows = self.random_rows([9, 4, 12, 1])
        ids, mask = padded(rows)
        first = torch.tensor([5, 0, 11, 3])  # the last is past its row's end: nothing is computed there
        with torch.no_grad():
            next_logit, lse = self.traced.score_from(ids, mask, first)
        self.assertEqual([list(next_logit.shape), list(lse.shape)], [[4, 12]] * 2)
        for i, (e_next, e_lse, _, _) in enumerate(eager_reductions(self.model, rows)):
            n, start = len(rows[i]), min(int(first[i]), len(rows[i]))
            torch.testing.assert_close(next_logit[i, start:n - 1].double(), e_next[start:], atol=1e-4, rtol=0)
            torch.testing.assert_close(lse[i, start:n].double(), e_lse[start:], atol=1e-4, rtol=0)
            self.assertTrue((next_logit[i, :start] == 0).all() and (lse[i, :start] == 0).all())
            self.assertTrue((lse[i, n:] == 0).all() and next_logit[i, n - 1] == 0)
        self.assertTrue((lse[0, 5:9] != 0).all() and (lse[2, 11] != 0))

    def test_outputs_have_the_input_shape(self):
        ids, mask = padded(self.random_rows([5, 11]))
        with torch.no_grad():
            outputs = self.traced(ids, mask) + self.traced.greedy(ids, mask)
        self.assertEqual([list(o.shape) for o in outputs], [[2, 11]] * 4)

    def test_any_chunk_size_gives_the_same_reductions_also_when_scripted(self):
        lm = language_model(self.model)
        example = padded(self.random_rows([3, 2]))
        with torch.no_grad():
            body = torch.jit.trace(HiddenStates(self.model), example)
            for lengths in ([23, 5, 14], [40], [1, 1]):  # 42, 40 and 2 token positions
                ids, mask = padded(self.random_rows(lengths))
                whole = reward_head(lm, chunk_positions=1000)(ids, mask)
                for chunk in (1, 5, 42):
                    scripted = torch.jit.script(reward_head(lm, body=body, chunk_positions=chunk))
                    for name, head in (("eager", reward_head(lm, chunk_positions=chunk)), ("scripted", scripted)):
                        with self.subTest(lengths=lengths, chunk=chunk, head=name):
                            for expected, actual in zip(whole, head(ids, mask)):
                                torch.testing.assert_close(actual, expected, atol=1e-5, rtol=1e-6)

    def test_tied_output_weight_is_saved_once(self):
        out = scratch_dir("reward-head-tied-")
        torch.manual_seed(8)
        tied = Llama(LlamaConfig(dim=64, hidden_dim=64, n_layers=1, n_heads=4, n_kv_heads=4, vocab_size=4000,
                                 max_seq_len=16, tied_embeddings=True)).eval()
        write_artefact(language_model(tied), out, {}, {}, {"format": "test", "model": "tied"}, 4000, 16, 1, 2, PAD)
        embedding_bytes = 4000 * 64 * 4
        parameter_bytes = sum(p.numel() * 4 for p in tied.parameters())  # counts the tied tensor once
        self.assertLess((out / "model.pt").stat().st_size, parameter_bytes + embedding_bytes // 2)
        module = torch.jit.load(str(out / "model.pt"))
        self.assertEqual(module.weight.data_ptr(), module.body.model.tok_embeddings.weight.data_ptr())


if __name__ == "__main__":
    unittest.main()

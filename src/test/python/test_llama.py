"""The plain-torch Llama against independent formulations: llama2.c run.c's forward pass in numpy,
complex-number RoPE and explicitly repeated key/value heads."""

import struct
import unittest

import numpy as np
import torch

from endoreward_export.llama import Llama, LlamaConfig, apply_rope, fused_attention, rope_tables
from endoreward_export.llama2c import read_llama2c_checkpoint
from fixtures import STORIES_CHECKPOINT, require


def run_c_logits(path, tokens):
    """llama2.c run.c forward(), one position at a time with a key/value cache, in float64 numpy."""
    data = require(path).read_bytes()
    dim, hidden, layers, heads, kv_heads, vocab, seq_len = struct.unpack_from("<7i", data)
    head_size, kv_dim = dim // heads, dim * kv_heads // heads
    floats = np.frombuffer(data, dtype="<f4", offset=28).astype(np.float64)
    offset = 0

    def take(*shape):
        nonlocal offset
        size = int(np.prod(shape))
        block = floats[offset:offset + size].reshape(shape)
        offset += size
        return block

    emb = take(abs(vocab), dim)
    rms_att, wq, wk = take(layers, dim), take(layers, dim, dim), take(layers, kv_dim, dim)
    wv, wo, rms_ffn = take(layers, kv_dim, dim), take(layers, dim, dim), take(layers, dim)
    w1, w2, w3 = take(layers, hidden, dim), take(layers, dim, hidden), take(layers, hidden, dim)
    rms_final = take(dim)
    take(seq_len * head_size)  # the two legacy RoPE tables
    wcls = emb if vocab > 0 else take(abs(vocab), dim)

    def rmsnorm(x, w):
        return w * (x / np.sqrt(np.mean(x * x) + 1e-5))

    key_cache = np.zeros((layers, len(tokens), kv_dim))
    value_cache = np.zeros((layers, len(tokens), kv_dim))
    out = []
    for pos, token in enumerate(tokens):
        x = emb[token].copy()
        for l in range(layers):
            xb = rmsnorm(x, rms_att[l])
            q, k, v = wq[l] @ xb, wk[l] @ xb, wv[l] @ xb
            for i in range(0, dim, 2):
                freq = 1.0 / 10000.0 ** ((i % head_size) / head_size)
                fcr, fci = np.cos(pos * freq), np.sin(pos * freq)
                for vec in ((q, k) if i < kv_dim else (q,)):
                    v0, v1 = vec[i], vec[i + 1]
                    vec[i], vec[i + 1] = v0 * fcr - v1 * fci, v0 * fci + v1 * fcr
            key_cache[l, pos], value_cache[l, pos] = k, v
            attended = np.zeros(dim)
            for h in range(heads):
                kv = (h // (heads // kv_heads)) * head_size
                qh = q[h * head_size:(h + 1) * head_size]
                scores = key_cache[l, :pos + 1, kv:kv + head_size] @ qh / np.sqrt(head_size)
                att = np.exp(scores - scores.max())
                att /= att.sum()
                attended[h * head_size:(h + 1) * head_size] = att @ value_cache[l, :pos + 1, kv:kv + head_size]
            x = x + wo[l] @ attended
            xb = rmsnorm(x, rms_ffn[l])
            hb = w1[l] @ xb
            x = x + w2[l] @ (hb / (1.0 + np.exp(-hb)) * (w3[l] @ xb))
        out.append(wcls @ rmsnorm(x, rms_final))
    return np.stack(out)


def small_config(**overrides):
    values = dict(dim=32, hidden_dim=48, n_layers=2, n_heads=4, n_kv_heads=2, vocab_size=37, max_seq_len=24)
    values.update(overrides)
    return LlamaConfig(**values)


class TestLlama(unittest.TestCase):

    def test_stories260k_logits_match_run_c(self):
        tokens = [1, 403, 407, 261, 378, 11, 300, 345, 268, 43, 260, 500, 12, 2, 99, 400]
        model = read_llama2c_checkpoint(STORIES_CHECKPOINT)
        with torch.no_grad():
            logits = model(torch.tensor([tokens]))[0].double().numpy()
        expected = run_c_logits(STORIES_CHECKPOINT, tokens)
        np.testing.assert_allclose(logits, expected, rtol=0, atol=1e-4)

    def test_rope_rotates_adjacent_pairs_like_complex_multiplication(self):
        config = small_config()
        cos, sin = rope_tables(config)
        x = torch.randn(2, 5, 3, config.head_dim)
        angles = torch.stack([torch.arange(5) * config.rope_theta ** (-2.0 * i / config.head_dim)
                              for i in range(config.head_dim // 2)], dim=-1).double()  # [T, half]
        as_complex = torch.view_as_complex(x.double().reshape(2, 5, 3, -1, 2).contiguous())
        rotated = torch.view_as_real(as_complex * torch.polar(torch.ones_like(angles), angles)[None, :, None, :])
        torch.testing.assert_close(apply_rope(x, cos[:5], sin[:5]).double(), rotated.flatten(-2), atol=1e-5, rtol=0)

    def test_grouped_query_attention_equals_repeated_key_value_heads(self):
        torch.manual_seed(0)
        grouped = Llama(small_config(n_kv_heads=2)).eval()
        full = Llama(small_config(n_kv_heads=4)).eval()
        state = grouped.state_dict()
        for name, tensor in list(state.items()):
            if name.endswith(("attention.wk.weight", "attention.wv.weight")):
                # kv head j serves query heads 2j and 2j + 1
                state[name] = tensor.reshape(2, 1, 8, 32).expand(2, 2, 8, 32).reshape(32, 32)
        full.load_state_dict(state)
        ids = torch.randint(0, 37, (2, 9))
        with torch.no_grad():
            torch.testing.assert_close(grouped(ids), full(ids), atol=1e-5, rtol=0)

    def test_positions_see_only_earlier_tokens(self):
        torch.manual_seed(1)
        model = Llama(small_config()).eval()
        ids = torch.randint(0, 37, (1, 12))
        changed = ids.clone()
        changed[0, 7:] = (changed[0, 7:] + 1) % 37
        with torch.no_grad():
            torch.testing.assert_close(model(ids)[:, :7], model(changed)[:, :7], atol=1e-6, rtol=0)
            self.assertFalse(torch.allclose(model(ids)[:, 7:], model(changed)[:, 7:]))

    def test_attention_mask_leaves_right_padded_rows_unchanged(self):
        torch.manual_seed(2)
        model = Llama(small_config()).eval()
        ids = torch.randint(0, 37, (1, 10))
        mask = torch.ones_like(ids)
        mask[0, 6:] = 0
        with torch.no_grad():
            torch.testing.assert_close(model(ids, mask)[:, :6], model(ids[:, :6]), atol=1e-5, rtol=0)

    def test_fused_attention_equals_the_written_out_attention_on_padded_grouped_rows(self):
        torch.manual_seed(3)
        model = Llama(small_config()).eval()  # 4 query heads over 2 key/value heads
        ids = torch.randint(0, 37, (3, 11))
        mask = torch.ones_like(ids)
        mask[1, 7:] = 0
        mask[2, 1:] = 0
        with torch.no_grad():
            written_out = model(ids, mask)
            with fused_attention(model):
                fused = model(ids, mask)
            after = model(ids, mask)
        self.assertTrue(torch.isfinite(fused).all())
        torch.testing.assert_close(fused, written_out, atol=1e-5, rtol=0)
        self.assertFalse(any(layer.attention.fused for layer in model.layers))
        torch.testing.assert_close(after, written_out, atol=0, rtol=0)

    def test_tied_output_shares_the_embedding_and_untied_does_not(self):
        tied, untied = Llama(small_config()), Llama(small_config(tied_embeddings=False))
        self.assertIs(tied.output.weight, tied.tok_embeddings.weight)
        self.assertIsNot(untied.output.weight, untied.tok_embeddings.weight)

    def test_config_rejects_heads_that_do_not_divide(self):
        with self.assertRaisesRegex(ValueError, "n_heads 4 is not a multiple of n_kv_heads 3"):
            small_config(n_kv_heads=3)
        with self.assertRaisesRegex(ValueError, "dim 30 is not a multiple of n_heads 4"):
            small_config(dim=30)


if __name__ == "__main__":
    unittest.main()

"""The Hugging Face front end's pieces: what the traced body feeds the decoder, the vmap-free masks (equal to
transformers' own), and what it reads from a config (decoder, logit transform, threshold lengths, ids, length)."""

import contextlib
import unittest

import torch
from torch import nn
import transformers
from transformers import masking_utils

from endoreward_export.hf import (DecoderHiddenStates, _decoder, _first_id, _logit_transform, _masks_without_vmap,
                                  _max_length, _threshold_lengths, traced_attention)


class RecordingDecoder(nn.Module):
    """Returns its embeddings as hidden states and records the arguments it was called with."""

    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(10, 4)
        self.seen = []

    def forward(self, **arguments):
        self.seen.append(arguments)
        return (self.embed(arguments["input_ids"]),)


def tiny(config_class, **extra):
    return config_class(vocab_size=50, hidden_size=16, intermediate_size=32, num_hidden_layers=1,
                        num_attention_heads=2, num_key_value_heads=1, max_position_embeddings=64, **extra)


class TestHfWrapper(unittest.TestCase):

    def test_body_passes_the_2d_mask_and_positions_counting_from_zero(self):
        decoder = RecordingDecoder()
        ids = torch.tensor([[5, 6, 7, 8], [5, 6, 2, 2]])
        mask = torch.tensor([[1, 1, 1, 1], [1, 1, 0, 0]])
        hidden = DecoderHiddenStates(decoder)(ids, mask)
        self.assertEqual(list(hidden.shape), [2, 4, 4])
        seen = decoder.seen[-1]
        self.assertIs(seen["attention_mask"], mask)
        self.assertEqual(seen["position_ids"].tolist(), [[0, 1, 2, 3], [0, 1, 2, 3]])
        self.assertEqual((seen["use_cache"], seen["return_dict"]), (False, False))

    def test_masks_built_without_vmap_equal_transformers_own(self):
        padding = torch.tensor([[1] * 9, [1] * 4 + [0] * 5, [1] + [0] * 8]).bool()  # [B, KV]
        functions = {
            "causal": masking_utils.causal_mask_function,
            "sliding window 3": masking_utils.sliding_window_causal_mask_function(3),
            "chunks of 4": masking_utils.chunked_causal_mask_function(4, torch.zeros(3, dtype=torch.int64)),
        }
        for name, function in functions.items():
            for kv_offset, q_length in ((0, 9), (2, 7)):
                with self.subTest(mask=name, kv_offset=kv_offset):
                    arguments = dict(batch_size=3, cache_position=torch.arange(kv_offset, kv_offset + q_length),
                                     kv_length=9 - kv_offset, kv_offset=kv_offset, mask_function=function,
                                     attention_mask=padding, allow_is_causal_skip=False)
                    expected = masking_utils.sdpa_mask(**arguments)
                    with _masks_without_vmap():
                        actual = masking_utils.sdpa_mask(**arguments)
                    self.assertEqual(actual.dtype, torch.bool)
                    self.assertTrue(torch.equal(actual, expected))
        # and transformers' own helpers are back afterwards
        self.assertEqual(masking_utils._vmap_for_bhqkv.__module__, "transformers.masking_utils")
        self.assertIsNot(masking_utils.TransformGetItemToIndex, contextlib.nullcontext)

    def test_decoder_is_the_base_model_the_output_layer_reads(self):
        cases = [
            (transformers.GPT2LMHeadModel(transformers.GPT2Config(n_embd=16, n_layer=1, n_head=2, vocab_size=50)),
             "transformer"),
            (transformers.OPTForCausalLM(transformers.OPTConfig(hidden_size=16, ffn_dim=32, num_hidden_layers=1,
                                                                num_attention_heads=2, vocab_size=50,
                                                                word_embed_proj_dim=16)), "model"),
            (transformers.Gemma3ForCausalLM(tiny(transformers.Gemma3TextConfig, head_dim=8)), "model"),
        ]
        for model, attribute in cases:
            with self.subTest(model=type(model).__name__):
                self.assertIs(_decoder(model), getattr(model, attribute))

    def test_logit_transform_follows_the_family(self):
        self.assertEqual(_logit_transform(tiny(transformers.LlamaConfig)), (1.0, None))
        self.assertEqual(_logit_transform(tiny(transformers.CohereConfig, logit_scale=0.25)), (0.25, None))
        self.assertEqual(_logit_transform(tiny(transformers.GraniteConfig, logits_scaling=4.0)), (0.25, None))
        self.assertEqual(_logit_transform(tiny(transformers.Gemma2Config, head_dim=8)), (1.0, 30.0))
        self.assertEqual(_logit_transform(tiny(transformers.Gemma3TextConfig, head_dim=8)), (1.0, None))

    def test_threshold_lengths_are_the_windows_layers_use_and_the_long_rope_switch(self):
        self.assertEqual(_threshold_lengths(tiny(transformers.LlamaConfig)), ())
        self.assertEqual(_threshold_lengths(tiny(transformers.MistralConfig, sliding_window=16)), (16,))
        # Qwen2 keeps a window only with use_sliding_window
        self.assertEqual(_threshold_lengths(tiny(transformers.Qwen2Config, sliding_window=16)), ())
        self.assertEqual(_threshold_lengths(tiny(transformers.Gemma3TextConfig, head_dim=8, sliding_window=12,
                                                 layer_types=["full_attention"])), ())
        longrope = tiny(transformers.Phi3Config, original_max_position_embeddings=32, rope_scaling={
            "type": "longrope", "short_factor": [1.0] * 4, "long_factor": [2.0] * 4})
        self.assertEqual(_threshold_lengths(longrope), (32,))

    def test_attention_is_sdpa_unless_the_family_soft_caps_scores(self):
        self.assertEqual(traced_attention(tiny(transformers.LlamaConfig)), "sdpa")
        self.assertEqual(traced_attention(tiny(transformers.Gemma3TextConfig, head_dim=8)), "sdpa")
        self.assertEqual(traced_attention(tiny(transformers.Gemma2Config, head_dim=8)), "eager")

    def test_config_helpers_pick_the_first_id_and_the_length_attribute(self):
        self.assertEqual(_first_id(None, [7, 9], 3), 7)
        self.assertEqual(_first_id(None, None), None)
        self.assertEqual(_first_id(4, 5), 4)

        class Gpt2Like:
            n_positions = 1024

        self.assertEqual(_max_length(Gpt2Like()), 1024)


if __name__ == "__main__":
    unittest.main()

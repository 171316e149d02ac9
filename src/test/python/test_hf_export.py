"""The Hugging Face front end end to end on real transformers architectures built from small configs with random
weights: the output layer's variants (a bias, logit scaling) against float64 eager references, the files it writes,
and families it cannot export faithfully failing the self-check. The Java tests score the main families
(hf_families.FAMILIES) in three dtypes through DJL (TestHfFamilies); gpu/check_hf_export.py runs them on CUDA."""

import json
from unittest import mock
import unittest

import torch
import transformers
from tokenizers import Tokenizer

from endoreward_export import ExportError, hf
from endoreward_export.artefact import pad_right
from fixtures import scratch_dir
import hf_families


class TestHfExport(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.root = scratch_dir("hf-export-")

    def test_output_layers_with_a_bias_or_scaled_logits_match_float64_references(self):
        for family in hf_families.EXTRA_FAMILIES:
            with self.subTest(family=family):
                source, out = self.root / family, self.root / f"{family}-artefact"
                tokenizer = hf_families.build_source(source, family)
                self.assertEqual(hf_families.export(source, out, "float32"), 0)
                artefact = torch.jit.load(str(out / "model.pt"))
                reference = hf_families.float64_model(source, "float32")
                rows = [pair["prompt_ids"] + pair["response_ids"] for pair in hf_families.mixed_pairs(tokenizer)]
                with torch.no_grad():
                    next_logit, lse = artefact(*pad_right(rows, tokenizer.pad_token_id))
                    for i, row in enumerate(rows):
                        logits = hf_families.logits_of(reference)(torch.tensor([row]))[0]  # [n, V] float64
                        expected_next = logits[:-1].gather(1, torch.tensor(row[1:]).unsqueeze(1)).squeeze(1)
                        torch.testing.assert_close(next_logit[i, :len(row) - 1].double(), expected_next,
                                                   atol=1e-4, rtol=0)
                        torch.testing.assert_close(lse[i, :len(row)].double(), torch.logsumexp(logits, -1),
                                                   atol=1e-4, rtol=0)

    def test_writes_the_tokenizer_files_and_describes_the_source(self):
        source, out = self.root / "qwen2-no-bos", self.root / "qwen2-no-bos-artefact"
        tokenizer = hf_families.build_source(source, "qwen2", add_bos=False, chat_template=True)
        self.assertEqual(hf_families.export(source, out, "bfloat16"), 0)
        manifest = json.loads((out / "manifest.json").read_text())
        self.assertEqual(manifest["source"], {"format": "hf", "model": str(source),
                                              "architecture": "Qwen2ForCausalLM", "attention": "sdpa"})
        self.assertEqual((manifest["dtype"], manifest["vocab_size"], manifest["max_length"]),
                         ("bfloat16", len(tokenizer), hf_families.MAX_LENGTH))
        self.assertEqual(manifest["transformers_version"], transformers.__version__)
        self.assertEqual(manifest["outputs"], ["next_token_logit", "logsumexp"])
        self.assertEqual(manifest["greedy_outputs"], ["max_logit", "argmax"])
        config = json.loads((out / "tokenizer_config.json").read_text())
        self.assertEqual(config["chat_template"], hf_families.CHAT_TEMPLATE)
        self.assertIs(config["add_bos_token"], False)
        exported = Tokenizer.from_file(str(out / "tokenizer.json"))
        for text in hf_families.CORPUS[:4]:
            self.assertEqual(exported.encode(text).ids, tokenizer(text)["input_ids"])

    def test_gemma2_soft_capped_attention_is_traced_with_eager_attention(self):
        source, out = self.root / "gemma2", self.root / "gemma2-artefact"
        hf_families.build_source(source, "gemma2")
        self.assertEqual(hf_families.export(source, out, "float32"), 0)
        self.assertEqual(json.loads((out / "manifest.json").read_text())["source"]["attention"], "eager")

    def test_one_causal_mask_for_every_layer_fails_on_sliding_window_layers(self):
        # what the front end once did: one full causal 4D mask, which overrides a sliding window
        def full_causal_mask(self, input_ids, attention_mask):
            positions = (input_ids * 0 + 1).cumsum(1) - 1  # [B, T]
            allowed = (positions.unsqueeze(1) <= positions.unsqueeze(2)) & attention_mask.bool().unsqueeze(1)
            additive = (~allowed).unsqueeze(1).float() * torch.finfo(torch.float32).min  # [B, 1, T, T]
            return self.decoder(input_ids=input_ids, attention_mask=additive, position_ids=positions,
                                use_cache=False, return_dict=False)[0]

        source, out = self.root / "mistral", self.root / "mistral-artefact"
        hf_families.build_source(source, "mistral")
        with mock.patch.object(hf.DecoderHiddenStates, "forward", full_causal_mask), \
                self.assertRaises(ExportError) as raised:
            hf.export_hf(str(source), out)
        message = str(raised.exception)
        self.assertRegex(message, r"^Cannot export model: self-check failed: output \w+ of the exported module differs "
                                  r"from the model's own forward on a (\d+)-token row alone")
        length = int(message.split("-token row")[0].rsplit(" ", 1)[-1])
        self.assertGreater(length, hf_families.WINDOW)
        self.assertIn("the module differs before tracing too", message)
        self.assertFalse(out.exists())

    def test_long_rope_switching_factors_past_its_original_length_fails_the_self_check(self):
        source, out = self.root / "phi3-longrope", self.root / "phi3-longrope-artefact"
        tokenizer = hf_families.build_tokenizer(source)
        config = transformers.Phi3Config(**hf_families.decoder_only_sizes(tokenizer), original_max_position_embeddings=32,
                                         rope_scaling={"type": "longrope", "short_factor": [1.0] * 8,
                                                       "long_factor": [4.0] * 8})
        torch.manual_seed(0)
        transformers.AutoModelForCausalLM.from_config(config).save_pretrained(source)
        with self.assertRaisesRegex(ExportError, r"on a \d+-token row alone .* the module agrees before tracing: the "
                                                 r"trace froze something of its example inputs"):
            hf.export_hf(str(source), out)
        self.assertFalse(out.exists())


if __name__ == "__main__":
    unittest.main()

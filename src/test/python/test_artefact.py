"""write_artefact: the files and manifest it writes, its self-check, selftest.json, its argument checks and its
warning about the torch version."""

import contextlib
import hashlib
import importlib.metadata
import io
import json
import sys
import unittest
from unittest import mock
import warnings

import torch
from torch import nn

from endoreward_export import ExportError
from endoreward_export import artefact
from endoreward_export.artefact import RUNTIME_TORCH_VERSION, pad_right, warn_unless_runtime_torch, write_artefact
from endoreward_export.llama import HiddenStates, Llama, LlamaConfig, language_model
from endoreward_export.reward_head import LanguageModel
from fixtures import scratch_dir

VOCAB = 29
MAX_LENGTH = 48


def small_llama(seed=5):
    torch.manual_seed(seed)
    return Llama(LlamaConfig(dim=16, hidden_dim=32, n_layers=1, n_heads=2, n_kv_heads=1, vocab_size=VOCAB,
                             max_seq_len=MAX_LENGTH)).eval()


class ShapeBranching(nn.Module):
    """Doubles the hidden states of sequences longer than 8 tokens: Python control flow a trace bakes in."""

    def __init__(self, lm):
        super().__init__()
        self.body = HiddenStates(lm)

    def forward(self, input_ids, attention_mask):
        hidden = self.body(input_ids, attention_mask)
        if input_ids.shape[1] > 8:
            hidden = hidden * 2
        return hidden


class PaddingSensitive(nn.Module):
    """Adds the number of padded positions to every hidden state: traces faithfully but depends on batch mates."""

    def __init__(self, lm):
        super().__init__()
        self.body = HiddenStates(lm)

    def forward(self, input_ids, attention_mask):
        padding = (1 - attention_mask).sum(dim=1).float()  # [B]
        return self.body(input_ids, attention_mask) + padding[:, None, None]


class DeviceArguments(nn.Module):
    """Creates tensors with explicit device arguments, which a trace records as constants."""

    def __init__(self, lm):
        super().__init__()
        self.body = HiddenStates(lm)

    def forward(self, input_ids, attention_mask):
        hidden = self.body(input_ids, attention_mask)
        offset = torch.zeros(hidden.shape, device=input_ids.device)
        return hidden + offset.to(hidden.device)


def with_body(body, lm):
    """``lm`` taken apart with ``body`` in place of its own, ``lm`` itself still the reference."""
    return LanguageModel(body=body, output=lm.output, reference=lm)


def model_of(body, lm):
    """A model made of ``body`` and ``lm``'s output layer, whose own forward runs them on one row."""
    return LanguageModel(body=body, output=lm.output,
                         reference=lambda input_ids: lm.output(body(input_ids, torch.ones_like(input_ids))))


def export(lm, out, **overrides):
    arguments = dict(tokenizer_json={"model": {"type": "BPE"}}, tokenizer_config={"bos_token": "<s>"},
                     source={"format": "test", "model": "small"}, vocab_size=VOCAB, max_length=MAX_LENGTH,
                     bos_token_id=1, eos_token_id=2, pad_token_id=0)
    arguments.update(overrides)
    with warnings.catch_warnings():
        # ShapeBranching makes the tracer warn, which is the very case under test
        warnings.simplefilter("ignore", torch.jit.TracerWarning)
        return write_artefact(language_model(lm) if isinstance(lm, Llama) else lm, out, **arguments)


class TestArtefact(unittest.TestCase):

    def test_writes_model_tokenizer_files_and_manifest_with_their_hashes(self):
        out = scratch_dir("artefact-") / "out"
        returned = export(small_llama(), out, sample_input_ids=[[1, 5, 6], [1, 7]])
        manifest = json.loads((out / "manifest.json").read_text())
        self.assertEqual(manifest, returned)
        self.assertEqual(manifest["format_version"], 2)
        self.assertEqual(manifest["exporter_version"], "0.3.0")
        self.assertEqual(manifest["torch_version"], torch.__version__)
        self.assertEqual(manifest["source"], {"format": "test", "model": "small"})
        self.assertEqual((manifest["dtype"], manifest["vocab_size"], manifest["max_length"]), ("float32", VOCAB, 48))
        self.assertEqual((manifest["bos_token_id"], manifest["eos_token_id"], manifest["pad_token_id"]), (1, 2, 0))
        self.assertEqual(manifest["outputs"], ["next_token_logit", "logsumexp"])
        self.assertEqual(manifest["greedy_outputs"], ["max_logit", "argmax"])
        self.assertEqual(sorted(manifest["files"]), ["model.pt", "selftest.json", "tokenizer.json",
                                                     "tokenizer_config.json"])
        for name, digest in manifest["files"].items():
            self.assertEqual(hashlib.sha256((out / name).read_bytes()).hexdigest(), digest, name)
        self.assertEqual(json.loads((out / "tokenizer.json").read_text()), {"model": {"type": "BPE"}})
        self.assertEqual(json.loads((out / "tokenizer_config.json").read_text()), {"bos_token": "<s>"})
        self.assertEqual(sorted(p.name for p in out.iterdir()),
                         ["manifest.json", "model.pt", "selftest.json", "tokenizer.json", "tokenizer_config.json"])

    def test_manifest_records_the_transformers_version_or_null(self):
        try:
            installed = importlib.metadata.version("transformers")
        except importlib.metadata.PackageNotFoundError:
            installed = None
        manifest = export(small_llama(), scratch_dir("artefact-versions-"))
        self.assertEqual(manifest["transformers_version"], installed)
        without = {name: module for name, module in sys.modules.items() if name.split(".")[0] != "transformers"}
        with mock.patch.dict(sys.modules, without, clear=True), \
                mock.patch("importlib.metadata.version", side_effect=importlib.metadata.PackageNotFoundError):
            out = scratch_dir("artefact-versions-")
            export(small_llama(), out)
        self.assertIn('"transformers_version": null', (out / "manifest.json").read_text())

    def test_warns_on_stderr_when_torch_is_not_the_runtime_version(self):
        stream = io.StringIO()
        self.assertTrue(warn_unless_runtime_torch("2.9.0+cu128", stream))
        message = stream.getvalue()
        self.assertTrue(message.startswith("WARNING: exporting with torch 2.9.0+cu128, but the Java runtime runs "
                                           f"libtorch {RUNTIME_TORCH_VERSION}."), message)
        self.assertEqual(len(message.splitlines()), 1)
        for same in (RUNTIME_TORCH_VERSION, RUNTIME_TORCH_VERSION + "+cpu", RUNTIME_TORCH_VERSION + "+cu126"):
            with self.subTest(version=same):
                quiet = io.StringIO()
                self.assertFalse(warn_unless_runtime_torch(same, quiet))
                self.assertEqual(quiet.getvalue(), "")

    def test_an_export_on_another_torch_warns_on_stderr_and_records_that_torch(self):
        stderr = io.StringIO()
        with mock.patch.object(torch, "__version__", "1.13.0a0+git"), contextlib.redirect_stderr(stderr):
            manifest = export(small_llama(), scratch_dir("artefact-old-torch-"))
        self.assertIn("WARNING: exporting with torch 1.13.0a0+git", stderr.getvalue())
        self.assertEqual(manifest["torch_version"], "1.13.0a0+git")
        stderr = io.StringIO()
        with mock.patch.object(torch, "__version__", RUNTIME_TORCH_VERSION), contextlib.redirect_stderr(stderr):
            export(small_llama(), scratch_dir("artefact-runtime-torch-"))
        self.assertNotIn("WARNING", stderr.getvalue())

    def test_selftest_holds_sequences_of_distinct_lengths_and_the_traced_outputs(self):
        out = scratch_dir("artefact-selftest-")
        manifest = export(small_llama(), out, sample_input_ids=[[1, 5, 6, 7, 8, 9, 10, 11, 12], [1, 7]])
        selftest = json.loads((out / "selftest.json").read_text())
        self.assertEqual(hashlib.sha256((out / "selftest.json").read_bytes()).hexdigest(),
                         manifest["files"]["selftest.json"])
        self.assertEqual(sorted(selftest), ["input_ids", "logsumexp", "next_token_logit", "tolerance"])
        rows = selftest["input_ids"]
        lengths = [len(row) for row in rows]
        self.assertTrue(2 <= len(rows) <= 4, lengths)
        self.assertEqual(len(set(lengths)), len(lengths))
        self.assertIn(1, lengths)
        self.assertLessEqual(max(lengths), min(64, MAX_LENGTH))
        self.assertIn([1, 5, 6, 7, 8, 9, 10, 11, 12], rows)  # the caller's real rows come before generated ones
        self.assertTrue(all(isinstance(token, int) and 0 <= token < VOCAB for row in rows for token in row))
        for name in ("next_token_logit", "logsumexp"):
            self.assertEqual([len(values) for values in selftest[name]], lengths, name)
            self.assertTrue(all(isinstance(value, float) for values in selftest[name] for value in values))
        largest = max(abs(v) for name in ("next_token_logit", "logsumexp") for values in selftest[name] for v in values)
        self.assertIsInstance(selftest["tolerance"], float)
        self.assertAlmostEqual(selftest["tolerance"], 1e-3 * max(1.0, largest))

        # the saved module reproduces the numbers on the same right-padded batch, exactly on this machine
        traced = torch.jit.load(str(out / "model.pt"))
        input_ids, attention_mask = pad_right(rows, manifest["pad_token_id"])
        with torch.no_grad():
            next_token_logit, logsumexp = traced(input_ids, attention_mask)
        for i, n in enumerate(lengths):
            self.assertEqual(next_token_logit[i, :n].tolist(), selftest["next_token_logit"][i])
            self.assertEqual(logsumexp[i, :n].tolist(), selftest["logsumexp"][i])
        # and each sequence run alone agrees within the tolerance; no token follows a sequence's last one
        with torch.no_grad():
            for i, row in enumerate(rows):
                alone = traced(*pad_right([row], manifest["pad_token_id"]))
                self.assertEqual(selftest["next_token_logit"][i][-1], 0.0)
                torch.testing.assert_close(alone[0][0].double(),
                                           torch.tensor(selftest["next_token_logit"][i]).double(),
                                           atol=selftest["tolerance"], rtol=0)
                torch.testing.assert_close(alone[1][0].double(), torch.tensor(selftest["logsumexp"][i]).double(),
                                           atol=selftest["tolerance"], rtol=0)

    def test_selftest_sequences_fit_a_short_model_and_the_tolerance_follows_the_dtype(self):
        out = scratch_dir("artefact-selftest-short-")
        torch.manual_seed(3)
        short = Llama(LlamaConfig(dim=16, hidden_dim=32, n_layers=1, n_heads=2, n_kv_heads=1, vocab_size=VOCAB,
                                  max_seq_len=2)).eval()
        export(short, out, max_length=2, dtype="bfloat16")
        selftest = json.loads((out / "selftest.json").read_text())
        self.assertEqual([len(row) for row in selftest["input_ids"]], [1, 2])
        largest = max(abs(v) for name in ("next_token_logit", "logsumexp") for values in selftest[name] for v in values)
        self.assertAlmostEqual(selftest["tolerance"], 1e-1 * max(1.0, largest))

    def test_traced_module_pins_no_device(self):
        out = scratch_dir("artefact-devices-")
        llama = small_llama()
        export(model_of(DeviceArguments(llama), llama), out)
        traced = torch.jit.load(str(out / "model.pt"))
        graphs = [str(m._c._get_method(name).graph) for m in traced.modules() for name in m._c._method_names()]
        self.assertGreater(len(graphs), 4)  # the head's forward, greedy and helpers, and the body's forwards
        for graph in graphs:
            self.assertNotIn("Device = prim::Constant", graph)
        self.assertIn("Device = prim::device", str(traced.body.graph))
        ids = torch.randint(0, VOCAB, (2, 10))
        torch.testing.assert_close(traced(ids, torch.ones_like(ids))[1],
                                   torch.logsumexp(small_llama()(ids), -1), atol=1e-5, rtol=0)

    def test_control_flow_baked_into_the_trace_fails_the_self_check_and_writes_nothing(self):
        out = scratch_dir("artefact-branching-") / "out"
        llama = small_llama()
        with self.assertRaises(ExportError) as raised:
            export(model_of(ShapeBranching(llama), llama), out)
        message = str(raised.exception)
        self.assertTrue(message.startswith("Cannot export model: self-check failed: output "), message)
        self.assertRegex(message, r"differs from the model's own forward on a 11-token row alone \(input shape "
                                  r"\[1, 11\]\): max abs diff [0-9.e+-]+ > tolerance [0-9.e+-]+; the module agrees "
                                  r"before tracing: the trace froze something of its example inputs")
        self.assertFalse(out.exists())  # no selftest.json nor any other file

    def test_a_front_end_that_runs_the_model_differently_fails_the_self_check_before_tracing(self):
        out = scratch_dir("artefact-front-end-") / "out"
        llama, other = small_llama(), small_llama(seed=6)
        with self.assertRaisesRegex(ExportError, r"differs from the model's own forward on a 1-token row alone .*"
                                                 r"the module differs before tracing too"):
            export(with_body(HiddenStates(other), llama), out)
        self.assertFalse(out.exists())

    def test_padding_dependence_fails_the_self_check(self):
        out = scratch_dir("artefact-padding-") / "out"
        llama = small_llama()
        with self.assertRaisesRegex(ExportError, r"differs from the model's own forward on a 1-token row batched "
                                                 r"with padding \(input shape \[\d+, 33\]\)"):
            export(model_of(PaddingSensitive(llama), llama), out)
        self.assertFalse(out.exists())

    def test_a_failed_export_leaves_an_existing_artefact_untouched(self):
        out = scratch_dir("artefact-kept-")
        export(small_llama(), out)
        before = {p.name: p.read_bytes() for p in out.iterdir()}
        llama = small_llama()
        with self.assertRaises(ExportError):
            export(model_of(ShapeBranching(llama), llama), out)
        self.assertEqual({p.name: p.read_bytes() for p in out.iterdir()}, before)

    def test_rejects_invalid_arguments_before_writing(self):
        out = scratch_dir("artefact-invalid-") / "out"
        cases = [
            (dict(dtype="int8"), "dtype 'int8' is not one of float32, bfloat16, float16"),
            (dict(pad_token_id=VOCAB), f"pad_token_id {VOCAB} is outside the vocabulary"),
            (dict(max_length=1), "max_length 1 is less than 2"),
            (dict(sample_input_ids=[[1] * 49]), "sample row 0 has 49 tokens, not 1 to max_length 48"),
            (dict(sample_input_ids=[[]]), "sample row 0 has 0 tokens"),
            (dict(sample_input_ids=[[1, VOCAB]]), "sample row 0 holds an id outside the vocabulary"),
        ]
        for overrides, message in cases:
            with self.subTest(overrides=overrides):
                with self.assertRaisesRegex(ExportError, "^Cannot export model: " + message.replace("[", r"\[")):
                    export(small_llama(), out, **overrides)
        self.assertFalse(out.exists())

    def test_restores_the_training_mode_and_gradient_flags_of_the_model(self):
        model = small_llama().train()
        export(model, scratch_dir("artefact-modes-"))
        self.assertTrue(model.training)
        self.assertTrue(all(p.requires_grad for p in model.parameters()))


if __name__ == "__main__":
    unittest.main()

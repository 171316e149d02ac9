"""The llama2.c front end on the real stories260K model, and on small checkpoints written here."""

import json
import struct
import unittest

import numpy as np
import torch

from endoreward_export import ExportError
from endoreward_export.llama import Llama, LlamaConfig
from endoreward_export.llama2c import read_llama2c_checkpoint
from fixtures import STORIES_CHECKPOINT, STORIES_GREEDY, STORIES_TOKENIZER, require, scratch_dir, stories_artefact
from llama2c_reference import Llama2cTokenizer


def write_checkpoint(model: Llama, path) -> None:
    """Writes ``model`` in llama2.c's legacy layout (negative vocab size when the output is untied)."""
    config = model.config
    vocab = config.vocab_size if config.tied_embeddings else -config.vocab_size
    layers = model.layers
    blocks = [model.tok_embeddings.weight,
              [layer.attention_norm.weight for layer in layers],
              [layer.attention.wq.weight for layer in layers], [layer.attention.wk.weight for layer in layers],
              [layer.attention.wv.weight for layer in layers], [layer.attention.wo.weight for layer in layers],
              [layer.ffn_norm.weight for layer in layers],
              [layer.feed_forward.w1.weight for layer in layers], [layer.feed_forward.w2.weight for layer in layers],
              [layer.feed_forward.w3.weight for layer in layers],
              model.norm.weight, torch.zeros(config.max_seq_len * config.head_dim)]
    if not config.tied_embeddings:
        blocks.append(model.output.weight)
    with open(path, "wb") as f:
        f.write(struct.pack("<7i", config.dim, config.hidden_dim, config.n_layers, config.n_heads, config.n_kv_heads,
                            vocab, config.max_seq_len))
        for block in blocks:
            tensors = block if isinstance(block, list) else [block]
            for tensor in tensors:
                f.write(tensor.detach().numpy().astype("<f4").tobytes())


class TestLlama2cExport(unittest.TestCase):

    def test_greedy_decoding_through_the_modules_greedy_method_reproduces_the_published_output(self):
        artefact = torch.jit.load(str(stories_artefact() / "model.pt"))
        ids = [1]
        with torch.no_grad():
            for _ in range(200):
                input_ids = torch.tensor([ids])
                ids.append(int(artefact.greedy(input_ids, torch.ones_like(input_ids))[1][0, -1]))
        text = Llama2cTokenizer(require(STORIES_TOKENIZER)).generated_text(ids)
        self.assertEqual(text, require(STORIES_GREEDY).read_bytes())

    def test_artefact_reductions_match_float64_reductions_of_the_eager_model(self):
        artefact = torch.jit.load(str(stories_artefact() / "model.pt"))
        model = read_llama2c_checkpoint(STORIES_CHECKPOINT)
        generator = torch.Generator().manual_seed(8)
        rows = [[1] + torch.randint(0, 512, (n - 1,), generator=generator).tolist() for n in (70, 9, 33)]
        ids = torch.full((3, 70), 2)
        mask = torch.zeros((3, 70), dtype=torch.int64)
        for i, row in enumerate(rows):
            ids[i, :len(row)], mask[i, :len(row)] = torch.tensor(row), 1
        with torch.no_grad():
            next_logit, lse = artefact(ids, mask)
            max_logit = artefact.greedy(ids, mask)[0]
            for i, row in enumerate(rows):
                logits = model(torch.tensor([row]))[0].double()
                n = len(row)
                expected_next = logits[torch.arange(n - 1), torch.tensor(row[1:])]
                torch.testing.assert_close(next_logit[i, :n - 1].double(), expected_next, atol=1e-4, rtol=0)
                torch.testing.assert_close(lse[i, :n].double(), torch.logsumexp(logits, -1), atol=1e-4, rtol=0)
                torch.testing.assert_close(max_logit[i, :n].double(), logits.max(-1).values, atol=1e-4, rtol=0)

    def test_the_module_runs_fused_attention_in_every_layer(self):
        module = torch.jit.load(str(stories_artefact() / "model.pt"))
        graph = str(module.forward.inlined_graph)
        self.assertEqual(graph.count("aten::scaled_dot_product_attention"), 5)  # stories260K has 5 layers
        self.assertNotIn("aten::softmax", graph)

    def test_manifest_and_tokenizer_config_describe_the_model(self):
        out = stories_artefact()
        manifest = json.loads((out / "manifest.json").read_text())
        self.assertEqual(manifest["source"], {"format": "llama2c", "model": str(STORIES_CHECKPOINT), "attention": "sdpa"})
        self.assertEqual((manifest["vocab_size"], manifest["max_length"], manifest["dtype"]), (512, 512, "float32"))
        self.assertEqual((manifest["bos_token_id"], manifest["eos_token_id"], manifest["pad_token_id"]), (1, 2, 2))
        config = json.loads((out / "tokenizer_config.json").read_text())
        self.assertEqual((config["bos_token"], config["eos_token"], config["unk_token"]), ("<s>", "</s>", "<unk>"))
        self.assertIs(config["add_bos_token"], True)
        self.assertEqual(config["model_max_length"], 512)
        self.assertNotIn("chat_template", config)
        self.assertNotIn("pad_token", config)

    def test_untied_and_tied_checkpoints_load_with_their_weights(self):
        folder = scratch_dir("llama2c-checkpoint-")
        for tied in (True, False):
            with self.subTest(tied=tied):
                torch.manual_seed(9)
                model = Llama(LlamaConfig(dim=16, hidden_dim=24, n_layers=2, n_heads=4, n_kv_heads=2,
                                          vocab_size=300, max_seq_len=20, tied_embeddings=tied)).eval()
                path = folder / f"tied-{tied}.bin"
                write_checkpoint(model, path)
                loaded = read_llama2c_checkpoint(path)
                self.assertEqual(loaded.config, model.config)
                ids = torch.randint(0, 300, (2, 20))
                with torch.no_grad():
                    torch.testing.assert_close(loaded(ids), model(ids), atol=0, rtol=0)

    def test_truncated_checkpoint_is_rejected(self):
        path = scratch_dir("llama2c-truncated-") / "model.bin"
        path.write_bytes(require(STORIES_CHECKPOINT).read_bytes()[:-4])
        with self.assertRaisesRegex(ExportError, r"^Cannot export model: checkpoint .* has 1056536 bytes, "
                                                 r"its header implies 1056540"):
            read_llama2c_checkpoint(path)

    def test_invalid_header_is_rejected(self):
        path = scratch_dir("llama2c-header-") / "model.bin"
        path.write_bytes(struct.pack("<7i", 30, 8, 1, 4, 4, 10, 8) + np.zeros(10, "<f4").tobytes())
        with self.assertRaisesRegex(ExportError, "invalid header: .*dim 30 is not a multiple of n_heads 4"):
            read_llama2c_checkpoint(path)


if __name__ == "__main__":
    unittest.main()

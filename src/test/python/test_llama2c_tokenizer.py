"""The llama2.c to tokenizer.json conversion: structure of the file, and its encodings (run by the BPE
algorithm of Hugging Face tokenizers, simulated) against the run.c port, on both shared llama2.c vocabularies."""

import random
import unittest

from bpe_simulator import SimulatedTokenizer
from endoreward_export import ExportError
from endoreward_export.llama2c_tokenizer import read_llama2c_tokenizer, to_hf_tokenizer_config, to_hf_tokenizer_json
from fixtures import LLAMA2_32K_TOKENIZER, STORIES_GREEDY, STORIES_TOKENIZER, require, scratch_dir
from llama2c_reference import Llama2cTokenizer

FIXED_TEXTS = [
    "", " ", "Once upon a time", "  two leading spaces", "trailing spaces   ", "a     b          c", " " * 40,
    "\n\r\t x\r\n", "café naïve – “quoted” … ™ € ñ", "日本語のテキスト", "emoji 😀🎉 and \u200a\u00a0",
    "<s> </s> <unk> <0x41> literal control spellings", "x\u2581y", "Lily's mom said, \"Lily, let's go.\"",
    "Привет мир", "مرحبا", "a" * 300, "\u00e2\u20ac\u2122",
]


def texts(seed: int):
    """Fixed cases plus random strings and random runs of story words with 1 to 3 spaces between them."""
    rng = random.Random(seed)
    alphabet = " aeiouTthnsl.,!?\n\t'\"é😀中<>/   "
    words = require(STORIES_GREEDY).read_text().split()
    generated = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60))) for _ in range(150)]
    generated += [(" " * rng.randint(1, 3)).join(rng.choice(words) for _ in range(rng.randint(1, 25)))
                  for _ in range(150)]
    generated += ["".join(chr(rng.randint(32, 0x2FFF)) for _ in range(rng.randint(1, 20))) for _ in range(50)]
    return FIXED_TEXTS + generated


class TestLlama2cTokenizer(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.converted = {}
        for path in (STORIES_TOKENIZER, LLAMA2_32K_TOKENIZER):
            cls.converted[path] = to_hf_tokenizer_json(read_llama2c_tokenizer(require(path)))

    def test_encodings_equal_run_c(self):
        for path, seed in ((STORIES_TOKENIZER, 10), (LLAMA2_32K_TOKENIZER, 11)):
            reference, simulated = Llama2cTokenizer(path), SimulatedTokenizer(self.converted[path])
            for text in texts(seed):
                with self.subTest(tokenizer=path.name, text=text):
                    self.assertEqual(simulated.encode(text), reference.encode(text))

    def test_decoding_returns_the_text(self):
        for path, seed in ((STORIES_TOKENIZER, 12), (LLAMA2_32K_TOKENIZER, 13)):
            reference, simulated = Llama2cTokenizer(path), SimulatedTokenizer(self.converted[path])
            for text in texts(seed):
                with self.subTest(tokenizer=path.name, text=text):
                    self.assertEqual(simulated.decode(reference.encode(text)), text)

    def test_vocabulary_keeps_ids_and_spells_pieces_as_run_c_with_usual_special_names(self):
        for path, converted in self.converted.items():
            with self.subTest(tokenizer=path.name):
                reference = Llama2cTokenizer(path)
                vocab = converted["model"]["vocab"]
                self.assertEqual(sorted(vocab.values()), list(range(len(reference.vocab))))
                self.assertEqual((vocab["<unk>"], vocab["<s>"], vocab["</s>"]), (0, 1, 2))
                for token, i in vocab.items():
                    if i > 2:
                        self.assertEqual(token.encode("utf-8"), reference.vocab[i])
                self.assertEqual([vocab[f"<0x{b:02X}>"] for b in range(256)], list(range(3, 259)))

    def test_merges_join_vocabulary_pieces_best_score_first(self):
        for path, converted in self.converted.items():
            with self.subTest(tokenizer=path.name):
                reference = Llama2cTokenizer(path)
                vocab = converted["model"]["vocab"]
                scores = []
                for left, right in converted["model"]["merges"]:
                    self.assertIn(left, vocab)
                    self.assertIn(right, vocab)
                    scores.append(reference.scores[vocab[left + right]])
                self.assertEqual(scores, sorted(scores, reverse=True))
                # every single-character split of a two-character piece made of pieces is a merge
                expected = {(p[0], p[1]) for p in vocab if len(p) == 2 and p[0] in vocab and p[1] in vocab}
                self.assertLessEqual(expected, {tuple(m) for m in converted["model"]["merges"]})

    def test_pipeline_matches_the_llama2c_recipe(self):
        converted = self.converted[STORIES_TOKENIZER]
        self.assertEqual(converted["normalizer"], {"type": "Prepend", "prepend": " "})
        self.assertIsNone(converted["pre_tokenizer"])
        self.assertEqual(converted["added_tokens"], [])
        self.assertTrue(converted["model"]["byte_fallback"])
        self.assertEqual(converted["post_processor"]["special_tokens"]["<s>"]["ids"], [1])
        self.assertEqual([d["type"] for d in converted["decoder"]["decoders"]],
                         ["Replace", "Replace", "ByteFallback", "Fuse", "Strip"])

    def test_tokenizer_config_names_special_tokens_and_adds_bos(self):
        self.assertEqual(to_hf_tokenizer_config(512), {
            "tokenizer_class": "PreTrainedTokenizerFast", "bos_token": "<s>", "eos_token": "</s>",
            "unk_token": "<unk>", "add_bos_token": True, "add_eos_token": False,
            "clean_up_tokenization_spaces": False, "model_max_length": 512})

    def test_truncated_tokenizer_file_is_rejected(self):
        path = scratch_dir("tokenizer-truncated-") / "tok.bin"
        path.write_bytes(require(STORIES_TOKENIZER).read_bytes()[:-3])
        with self.assertRaisesRegex(ExportError, r"^Cannot export model: tokenizer .* is truncated at token 511"):
            read_llama2c_tokenizer(path)

    def test_tokenizer_without_byte_tokens_is_rejected(self):
        data = bytearray(require(STORIES_TOKENIZER).read_bytes())
        position = data.index(b"<0x41>")
        data[position:position + 6] = b"<0x4G>"
        path = scratch_dir("tokenizer-bytes-") / "tok.bin"
        path.write_bytes(bytes(data))
        with self.assertRaisesRegex(ExportError, "token 68 is '<0x4G>', not the byte token '<0x41>'"):
            read_llama2c_tokenizer(path)


if __name__ == "__main__":
    unittest.main()

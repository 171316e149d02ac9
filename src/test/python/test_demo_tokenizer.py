"""The demo tokenizer: the committed files, the Python encoder against them, and round trips."""

import json
import re
import unittest

from endoreward_demo import tokenizer as demo_tokenizer
from fixtures import REPO_ROOT

MODEL_DIR = REPO_ROOT / "src" / "demo" / "model"

TEXTS = [
    "",
    "What is 37 + 48?",
    "  two  spaces, tab\there, CRLF\r\n",
    "caf\u00e9 \u65e5\u672c \U0001F600",
    "<0x41> is not a byte token",
    "\x00\x7f~",
    "<s>literal</s><unk>",
    "<|end|<|end|>>",
    "<|user|>\nhi<|end|><|assistant|>\n",
    "<|en",
]


def read_json(name):
    with open(MODEL_DIR / name, encoding="utf-8") as source:
        return json.load(source)


class FileTokenizer:
    """An encoder written from the committed tokenizer.json alone: added tokens, characters, bytes."""

    def __init__(self, document):
        self.vocab = dict(document["model"]["vocab"])
        added = {token["content"]: token["id"] for token in document["added_tokens"]}
        self.vocab.update(added)
        # Longest alternatives first: the regex then matches leftmost-longest.
        pattern = "|".join(re.escape(token) for token in sorted(added, key=len, reverse=True))
        self.added = re.compile("(%s)" % pattern)
        self.added_ids = added

    def encode(self, text):
        ids = []
        for index, part in enumerate(self.added.split(text)):
            if index % 2 == 1:
                ids.append(self.added_ids[part])
                continue
            for char in part:
                if char in self.vocab:
                    ids.append(self.vocab[char])
                else:
                    ids.extend(self.vocab["<0x%02X>" % byte] for byte in char.encode("utf-8"))
        return ids


class TestDemoTokenizer(unittest.TestCase):

    def setUp(self):
        self.tokenizer = demo_tokenizer.DemoTokenizer()

    def test_committed_files_are_what_the_code_writes(self):
        self.assertEqual(read_json("tokenizer.json"), demo_tokenizer.tokenizer_json())
        self.assertEqual(read_json("tokenizer_config.json"), demo_tokenizer.tokenizer_config())

    def test_encoder_matches_the_committed_tokenizer_json(self):
        reference = FileTokenizer(read_json("tokenizer.json"))
        for text in TEXTS:
            self.assertEqual(self.tokenizer.encode(text), reference.encode(text), repr(text))

    def test_hand_computed_ids(self):
        # 'A' is printable ASCII 0x41: id 259 + 0x41 - 0x20; '\n' and 'é' spell their bytes: id 3 + byte.
        self.assertEqual(self.tokenizer.encode("A\n\u00e9"), [292, 3 + 0x0A, 3 + 0xC3, 3 + 0xA9])
        self.assertEqual(self.tokenizer.encode("<s><|end|>x"), [1, 357, 259 + ord("x") - 0x20])
        self.assertEqual(self.tokenizer.encode("x", add_bos=True), [1, 259 + ord("x") - 0x20])

    def test_vocabulary_layout(self):
        document = read_json("tokenizer.json")
        ids = sorted(list(document["model"]["vocab"].values())
                     + [t["id"] for t in document["added_tokens"] if t["id"] >= 354])
        self.assertEqual(ids, list(range(self.tokenizer.vocab_size)))
        self.assertEqual(self.tokenizer.vocab_size, 358)
        special = {t["content"]: t["id"] for t in document["added_tokens"]}
        self.assertEqual(special, {"<unk>": 0, "<s>": 1, "</s>": 2, "<|system|>": 354,
                                   "<|user|>": 355, "<|assistant|>": 356, "<|end|>": 357})
        self.assertTrue(all(t["special"] for t in document["added_tokens"]))

    def test_round_trip(self):
        for text in TEXTS:
            ids = self.tokenizer.encode(text)
            self.assertEqual(self.tokenizer.decode(ids, skip_special_tokens=False), text, repr(text))

    def test_plain_encoding_spells_control_tokens_out(self):
        ids = self.tokenizer.encode_plain("<|end|>")
        self.assertEqual(len(ids), len("<|end|>"))
        self.assertEqual(self.tokenizer.decode(ids), "<|end|>")

    def test_decode_skips_control_tokens(self):
        ids = self.tokenizer.encode("<s><|user|>\n12<|end|>")
        self.assertEqual(self.tokenizer.decode(ids), "\n12")

    def test_config_special_tokens(self):
        config = read_json("tokenizer_config.json")
        self.assertEqual((config["bos_token"], config["eos_token"], config["unk_token"]),
                         ("<s>", "</s>", "<unk>"))
        self.assertTrue(config["add_bos_token"])
        self.assertEqual(config["model_max_length"], demo_tokenizer.MODEL_MAX_LENGTH)


if __name__ == "__main__":
    unittest.main()

"""The run.c tokenizer port and its command line, on cases worked out by hand from tok512.bin."""

import json
import subprocess
import unittest

from fixtures import PYTHON, REPO_ROOT, STORIES_GREEDY, STORIES_TOKENIZER, require, scratch_dir
from llama2c_reference import Llama2cTokenizer, safe_printf


class TestLlama2cReference(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.tokenizer = Llama2cTokenizer(require(STORIES_TOKENIZER))

    def piece_id(self, piece: str) -> int:
        return self.tokenizer.vocab.index(piece.encode("utf-8"))

    def test_empty_text_is_bos_alone_without_dummy_prefix(self):
        self.assertEqual(self.tokenizer.encode(""), [1])
        self.assertEqual(self.tokenizer.encode("", bos=False, eos=True), [2])

    def test_known_word_merges_into_its_word_start_piece(self):
        # " Once" is a piece of tok512 (score -144), reached by merging the dummy prefix into the word
        self.assertEqual(self.tokenizer.encode("Once"), [1, self.piece_id(" Once")])

    def test_character_outside_the_vocabulary_becomes_its_utf8_byte_tokens(self):
        # "中" is E4 B8 AD in UTF-8; byte b has id b + 3; the dummy-prefix space stays alone
        self.assertEqual(self.tokenizer.encode("中"), [1, self.piece_id(" "), 0xE4 + 3, 0xB8 + 3, 0xAD + 3])

    def test_non_ascii_character_in_the_vocabulary_is_one_piece(self):
        encoded = self.tokenizer.encode("é")
        self.assertEqual(encoded, [1, self.piece_id(" "), self.piece_id("é")])

    def test_decode_strips_the_leading_space_after_bos_only_and_turns_byte_tokens_into_bytes(self):
        once = self.piece_id(" Once")
        self.assertEqual(self.tokenizer.decode(1, once), b"Once")
        self.assertEqual(self.tokenizer.decode(once, once), b" Once")
        self.assertEqual(self.tokenizer.decode(once, 0xE4 + 3), b"\xe4")
        self.assertEqual(safe_printf(b"\xe4"), b"")
        self.assertEqual(safe_printf(b"\n"), b"\n")

    def test_published_story_survives_encode_then_decode(self):
        text = require(STORIES_GREEDY).read_bytes()
        ids = self.tokenizer.encode(text.decode("utf-8"))
        self.assertEqual(self.tokenizer.decode_ids(ids), text)
        self.assertLess(len(ids), len(text) / 2)

    def test_command_line_writes_one_id_array_per_text(self):
        folder = scratch_dir("reference-tokenize-")
        texts = ["", "Once", "中", "Lily's mom said, \"Lily, let's go.\""]
        (folder / "texts.json").write_text(json.dumps(texts), encoding="utf-8")
        subprocess.run([PYTHON, str(REPO_ROOT / "src" / "test" / "python" / "reference_tokenize.py"),
                        "--tokenizer", str(STORIES_TOKENIZER), "--input", str(folder / "texts.json"),
                        "--output", str(folder / "ids.json")], check=True, cwd=folder)
        self.assertEqual(json.loads((folder / "ids.json").read_text()), [self.tokenizer.encode(t) for t in texts])


if __name__ == "__main__":
    unittest.main()

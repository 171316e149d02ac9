"""Converts a llama2.c ``tokenizer.bin`` into a Hugging Face ``tokenizer.json`` that encodes as llama2.c does.

llama2.c's ``run.c`` encodes by prepending BOS, adding a dummy-prefix space to non-empty text,
starting from one token per UTF-8 character (byte tokens for characters outside the
vocabulary) and then repeatedly merging the adjacent pair whose concatenation is the
highest-scoring vocabulary piece (the leftmost pair on ties). A BPE model reproduces this when:

- pieces keep the ASCII space as the word-start marker, so text is never rewritten;
- the merges are every split of each piece into two vocabulary pieces, ranked by the merged
  piece's score, highest first;
- a ``Prepend " "`` normalizer adds the dummy prefix (it adds nothing to empty text);
- there is no pre-tokenizer and there are no added tokens, so text that spells ``<s>`` stays text;
- byte fallback covers characters outside the vocabulary;
- a template post-processor adds BOS.
"""

from dataclasses import dataclass
from pathlib import Path
import struct
from typing import Dict, List

from endoreward_export.errors import ExportError

UNK_ID, BOS_ID, EOS_ID = 0, 1, 2
UNK, BOS, EOS = "<unk>", "<s>", "</s>"
SPECIAL_NAMES = {UNK_ID: UNK, BOS_ID: BOS, EOS_ID: EOS}
"""llama2.c spells BOS and EOS as "\\n<s>\\n" and "\\n</s>\\n"; the Hugging Face files use the usual names."""

FIRST_BYTE_ID = 3
"""Ids 3..258 are the byte tokens <0x00>..<0xFF>."""


@dataclass(frozen=True)
class Piece:
    """One vocabulary entry of a llama2.c tokenizer."""

    text: str
    score: float


def read_llama2c_tokenizer(path) -> List[Piece]:
    """Reads all pieces of a llama2.c ``tokenizer.bin`` (int32 max length, then per token: float32 score,
    int32 byte length, bytes) and checks the layout the conversion relies on."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise ExportError.because(f"cannot read tokenizer {path}: {e.strerror}") from e
    pieces = []
    offset = 4
    try:
        while offset < len(data):
            score, length = struct.unpack_from("<fi", data, offset)
            offset += 8
            raw = data[offset:offset + length]
            if length < 0 or len(raw) != length:
                raise ExportError.because(f"tokenizer {path} is truncated at token {len(pieces)}")
            offset += length
            pieces.append(Piece(raw.decode("utf-8"), score))
    except struct.error as e:
        raise ExportError.because(f"tokenizer {path} is truncated at token {len(pieces)}") from e
    except UnicodeDecodeError as e:
        raise ExportError.because(f"tokenizer {path}: token {len(pieces)} is not UTF-8") from e
    _check_layout(path, pieces)
    return pieces


def to_hf_tokenizer_json(pieces: List[Piece]) -> dict:
    """The ``tokenizer.json`` content for a llama2.c vocabulary."""
    names = [SPECIAL_NAMES.get(i, piece.text) for i, piece in enumerate(pieces)]
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [],
        "normalizer": {"type": "Prepend", "prepend": " "},
        "pre_tokenizer": None,
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": BOS, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": BOS, "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": BOS, "type_id": 1}}, {"Sequence": {"id": "B", "type_id": 1}}],
            "special_tokens": {BOS: {"id": BOS, "ids": [BOS_ID], "tokens": [BOS]}},
        },
        "decoder": {
            "type": "Sequence",
            "decoders": [
                {"type": "Replace", "pattern": {"String": BOS}, "content": ""},
                {"type": "Replace", "pattern": {"String": EOS}, "content": ""},
                {"type": "ByteFallback"},
                {"type": "Fuse"},
                # llama2.c drops the dummy-prefix space of the first piece after BOS
                {"type": "Strip", "content": " ", "start": 1, "stop": 0},
            ],
        },
        "model": {
            "type": "BPE",
            "dropout": None,
            "unk_token": UNK,
            "continuing_subword_prefix": None,
            "end_of_word_suffix": None,
            "fuse_unk": True,
            "byte_fallback": True,
            "ignore_merges": False,
            "vocab": {name: i for i, name in enumerate(names)},
            "merges": _merges(pieces),
        },
    }


def to_hf_tokenizer_config(max_length: int) -> dict:
    """The ``tokenizer_config.json`` content: special tokens, BOS added, no chat template."""
    return {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "bos_token": BOS,
        "eos_token": EOS,
        "unk_token": UNK,
        "add_bos_token": True,
        "add_eos_token": False,
        "clean_up_tokenization_spaces": False,
        "model_max_length": max_length,
    }


def _merges(pieces: List[Piece]) -> List[List[str]]:
    """Every split of each piece into two vocabulary pieces, the best-scoring merged piece first.

    Pairs of equally scored pieces (the whitespace runs of the Llama 2 vocabulary) rank the
    longer left part first: llama2.c merges the leftmost of tied pairs, so a run grows from its
    left end, and this order makes BPE grow it the same way.
    """
    ids: Dict[str, int] = {piece.text: i for i, piece in enumerate(pieces)}
    ranked = []
    for merged_id, piece in enumerate(pieces):
        text = piece.text
        for cut in range(1, len(text)):
            left, right = text[:cut], text[cut:]
            if left in ids and right in ids:
                ranked.append((-piece.score, -cut, merged_id, left, right))
    ranked.sort()
    merges = []
    for _, _, merged_id, left, right in ranked:
        if {merged_id, ids[left], ids[right]} & {BOS_ID, EOS_ID}:
            raise ExportError.because(f"the BOS or EOS piece takes part in the merge {left!r} + {right!r}; "
                                      f"renaming it would change the encoding")
        merges.append([left, right])
    return merges


def _check_layout(path: Path, pieces: List[Piece]) -> None:
    if len(pieces) < FIRST_BYTE_ID + 256:
        raise ExportError.because(f"tokenizer {path} has {len(pieces)} tokens, fewer than the specials and bytes")
    if pieces[UNK_ID].text != UNK:
        raise ExportError.because(f"tokenizer {path}: token {UNK_ID} is {pieces[UNK_ID].text!r}, not {UNK!r}")
    for byte in range(256):
        expected = f"<0x{byte:02X}>"
        if pieces[FIRST_BYTE_ID + byte].text != expected:
            raise ExportError.because(f"tokenizer {path}: token {FIRST_BYTE_ID + byte} is "
                                      f"{pieces[FIRST_BYTE_ID + byte].text!r}, not the byte token {expected!r}")
    names = [SPECIAL_NAMES.get(i, piece.text) for i, piece in enumerate(pieces)]
    if len(set(names)) != len(names):
        raise ExportError.because(f"tokenizer {path} spells two tokens the same way")

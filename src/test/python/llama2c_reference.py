"""A line-by-line port of llama2.c run.c's tokenizer (``encode``, ``decode``, ``safe_printf``), the reference
the converted ``tokenizer.json`` is tested against. Reads ``tokenizer.bin`` itself and shares no code with
the exporter.
"""

import re
import struct
from typing import List

BOS_ID = 1
EOS_ID = 2
BYTE_TOKEN = re.compile(rb"<0x([0-9A-Fa-f]{1,2})")


class Llama2cTokenizer:
    """run.c's Tokenizer: vocab (bytes), vocab_scores (float32 values) and a lookup by piece."""

    def __init__(self, path):
        with open(path, "rb") as f:
            data = f.read()
        (self.max_token_length,) = struct.unpack_from("<i", data, 0)
        self.vocab: List[bytes] = []
        self.scores: List[float] = []
        offset = 4
        while offset < len(data):
            score, length = struct.unpack_from("<fi", data, offset)
            offset += 8
            self.vocab.append(data[offset:offset + length])
            self.scores.append(score)
            offset += length
        self.lookup = {piece: i for i, piece in enumerate(self.vocab)}

    def str_lookup(self, piece: bytes) -> int:
        return self.lookup.get(piece, -1)

    def encode(self, text: str, bos: bool = True, eos: bool = False) -> List[int]:
        """run.c encode(): BOS, a dummy-prefix space for non-empty text, one token per UTF-8 character
        (byte tokens when the character is not a piece), then best-score merges, leftmost on ties."""
        raw = text.encode("utf-8").split(b"\0")[0]  # run.c reads a C string
        tokens = []
        if bos:
            tokens.append(BOS_ID)
        if raw:
            dummy_prefix = self.str_lookup(b" ")
            if dummy_prefix == -1:
                raise ValueError("the vocabulary has no ' ' piece for the dummy prefix")
            tokens.append(dummy_prefix)
        buffer = b""
        for i, byte in enumerate(raw):
            if byte & 0xC0 != 0x80:
                buffer = b""
            buffer += bytes([byte])
            following = raw[i + 1] if i + 1 < len(raw) else 0
            if following & 0xC0 == 0x80 and len(buffer) < 4:
                continue
            token = self.str_lookup(buffer)
            if token != -1:
                tokens.append(token)
            else:
                tokens.extend(b + 3 for b in buffer)
            buffer = b""
        while True:
            best_score, best_id, best_index = -1e10, -1, -1
            for i in range(len(tokens) - 1):
                token = self.str_lookup(self.vocab[tokens[i]] + self.vocab[tokens[i + 1]])
                if token != -1 and self.scores[token] > best_score:
                    best_score, best_id, best_index = self.scores[token], token, i
            if best_index == -1:
                break
            tokens[best_index:best_index + 2] = [best_id]
        if eos:
            tokens.append(EOS_ID)
        return tokens

    def decode(self, prev_token: int, token: int) -> bytes:
        """run.c decode(): the piece's bytes, without its leading space right after BOS; byte tokens as bytes."""
        piece = self.vocab[token]
        if prev_token == BOS_ID and piece[:1] == b" ":
            piece = piece[1:]
        match = BYTE_TOKEN.match(piece)
        if match:
            # run.c returns a C string, so byte 0 prints as nothing
            value = int(match.group(1), 16)
            piece = bytes([value]) if value else b""
        return piece

    def decode_ids(self, ids: List[int]) -> bytes:
        """The concatenated decode() of each id after the first, each read after its predecessor."""
        return b"".join(self.decode(ids[i - 1], ids[i]) for i in range(1, len(ids)))

    def generated_text(self, ids: List[int]) -> bytes:
        """What run.c's generate() prints for a sequence: safe_printf(decode(prev, next)) for each step."""
        return b"".join(safe_printf(self.decode(ids[i - 1], ids[i])) for i in range(1, len(ids)))


def safe_printf(piece: bytes) -> bytes:
    """run.c safe_printf(): a single byte that is neither printable ASCII nor whitespace prints as nothing."""
    if len(piece) == 1 and not (0x20 <= piece[0] < 0x7F or piece[0] in b" \t\n\v\f\r"):
        return b""
    return piece

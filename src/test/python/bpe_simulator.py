"""Runs a ``tokenizer.json`` of the shape the llama2.c conversion writes, following the Hugging Face
tokenizers algorithms (BPE ``Word::merge_all`` with its min-heap on (rank, position), byte fallback,
``Prepend`` normalizer, ``TemplateProcessing``, decoder chain). Lets tests check the converted file's
data without the tokenizers library; the real library's behaviour is checked from Java through DJL.
"""

import heapq
import re
from typing import List

BYTE_TOKEN = re.compile(r"^<0x([0-9A-F]{2})>$")


class SimulatedTokenizer:
    """Encodes and decodes with a tokenizer.json dict; rejects components it does not model."""

    def __init__(self, tokenizer_json: dict):
        model = tokenizer_json["model"]
        if model["type"] != "BPE" or not model["byte_fallback"] or tokenizer_json["pre_tokenizer"] is not None:
            raise ValueError("only byte-fallback BPE without a pre-tokenizer is simulated")
        if tokenizer_json["added_tokens"]:
            raise ValueError("added tokens are not simulated")
        normalizer = tokenizer_json["normalizer"]
        if normalizer != {"type": "Prepend", "prepend": normalizer.get("prepend")}:
            raise ValueError(f"normalizer {normalizer} is not simulated")
        self.prepend = normalizer["prepend"]
        self.vocab = model["vocab"]
        self.id_to_token = {i: token for token, i in self.vocab.items()}
        self.unk_id = self.vocab[model["unk_token"]]
        self.merges = {}
        for rank, (left, right) in enumerate(model["merges"]):
            self.merges[(self.vocab[left], self.vocab[right])] = (rank, self.vocab[left + right])
        post = tokenizer_json["post_processor"]
        self.prefix_ids = [i for item in post["single"] if "SpecialToken" in item
                           for i in post["special_tokens"][item["SpecialToken"]["id"]]["ids"]]
        if post["single"][-1] != {"Sequence": {"id": "A", "type_id": 0}}:
            raise ValueError("only templates that add tokens before the sequence are simulated")
        self.decoders = tokenizer_json["decoder"]["decoders"]

    def encode(self, text: str) -> List[int]:
        normalized = self.prepend + text if text else text
        return self.prefix_ids + self._bpe(normalized)

    def _bpe(self, word: str) -> List[int]:
        symbols = []  # per symbol: [id, prev, next, alive]
        for char in word:
            if char in self.vocab:
                ids = [self.vocab[char]]
            else:
                ids = [self.vocab.get(f"<0x{b:02X}>") for b in char.encode("utf-8")]
                if None in ids:
                    ids = [self.unk_id]
            symbols.extend([i, 0, 0, True] for i in ids)
        for index, symbol in enumerate(symbols):
            symbol[1], symbol[2] = index - 1, index + 1 if index + 1 < len(symbols) else -1
        queue = []
        for index in range(len(symbols) - 1):
            merge = self.merges.get((symbols[index][0], symbols[index + 1][0]))
            if merge:
                queue.append((merge[0], index, merge[1]))
        heapq.heapify(queue)
        while queue:
            _, pos, new_id = heapq.heappop(queue)
            current = symbols[pos]
            if not current[3] or current[2] == -1:
                continue
            right = symbols[current[2]]
            merge = self.merges.get((current[0], right[0]))
            if merge is None or merge[1] != new_id:
                continue  # an expired entry
            current[0] = new_id
            right[3] = False
            current[2] = right[2]
            if right[2] != -1:
                symbols[right[2]][1] = pos
            if current[1] >= 0:
                merge = self.merges.get((symbols[current[1]][0], current[0]))
                if merge:
                    heapq.heappush(queue, (merge[0], current[1], merge[1]))
            if current[2] != -1:
                merge = self.merges.get((current[0], symbols[current[2]][0]))
                if merge:
                    heapq.heappush(queue, (merge[0], pos, merge[1]))
        return [symbol[0] for symbol in symbols if symbol[3]]

    def decode(self, ids: List[int]) -> str:
        tokens = [self.id_to_token[i] for i in ids]
        for decoder in self.decoders:
            kind = decoder["type"]
            if kind == "Replace":
                tokens = [t.replace(decoder["pattern"]["String"], decoder["content"]) for t in tokens]
            elif kind == "ByteFallback":
                tokens = _byte_fallback(tokens)
            elif kind == "Fuse":
                tokens = ["".join(tokens)]
            elif kind == "Strip":
                tokens = [_strip(t, decoder["content"], decoder["start"], decoder["stop"]) for t in tokens]
            else:
                raise ValueError(f"decoder {kind} is not simulated")
        return "".join(tokens)


def _byte_fallback(tokens: List[str]) -> List[str]:
    """Runs of byte tokens become their UTF-8 text, or one U+FFFD per byte when invalid."""
    out, pending = [], b""
    for token in tokens + [None]:
        match = BYTE_TOKEN.match(token) if token is not None else None
        if match:
            pending += bytes([int(match.group(1), 16)])
            continue
        if pending:
            try:
                out.append(pending.decode("utf-8"))
            except UnicodeDecodeError:
                out.extend("\ufffd" for _ in pending)
            pending = b""
        if token is not None:
            out.append(token)
    return out


def _strip(token: str, content: str, start: int, stop: int) -> str:
    chars = list(token)
    left = 0
    while left < start and left < len(chars) and chars[left] == content:
        left += 1
    right = len(chars)
    while len(chars) - right < stop and right > left and chars[right - 1] == content:
        right -= 1
    return "".join(chars[left:right])

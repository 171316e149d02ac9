"""The demo model's character-level tokenizer, as a Hugging Face ``tokenizer.json`` and in Python.

The vocabulary is one token per printable ASCII character, 256 byte tokens that spell every
other character in UTF-8 (``byte_fallback``), the three sentence tokens and four chat control
tokens. The BPE model has no merges and there is no normalizer or pre-tokenizer, so the Rust
``tokenizers`` library splits text exactly as :class:`DemoTokenizer` does: control tokens first
(leftmost, longest), then one vocabulary piece per character, or its UTF-8 bytes.
"""

UNK_TOKEN = "<unk>"
BOS_TOKEN = "<s>"
EOS_TOKEN = "</s>"
SYSTEM_TOKEN = "<|system|>"
USER_TOKEN = "<|user|>"
ASSISTANT_TOKEN = "<|assistant|>"
END_TOKEN = "<|end|>"

SENTENCE_TOKENS = (UNK_TOKEN, BOS_TOKEN, EOS_TOKEN)
CHAT_TOKENS = (SYSTEM_TOKEN, USER_TOKEN, ASSISTANT_TOKEN, END_TOKEN)
PRINTABLE_ASCII = tuple(chr(code) for code in range(0x20, 0x7F))

MODEL_MAX_LENGTH = 128

# Every role gets a control token; any other role is a template error, not silent text.
CHAT_TEMPLATE = (
    "{{ bos_token }}"
    "{% for message in messages %}"
    "{% if message['role'] != 'system' and message['role'] != 'user'"
    " and message['role'] != 'assistant' %}"
    "{{ raise_exception('Unknown role: ' + message['role']) }}"
    "{% endif %}"
    "{{ '<|' + message['role'] + '|>\n' + message['content'] + '<|end|>' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|assistant|>\n' }}{% endif %}"
)


def byte_piece(value):
    """The vocabulary piece of one byte, as the byte-fallback BPE names it: ``<0x0A>``."""
    return "<0x%02X>" % value


def vocabulary():
    """Every token in id order: sentence tokens, bytes, printable ASCII, then chat tokens."""
    return (list(SENTENCE_TOKENS) + [byte_piece(value) for value in range(256)]
            + list(PRINTABLE_ASCII) + list(CHAT_TOKENS))


class DemoTokenizer:
    """Encodes text to ids exactly as the exported ``tokenizer.json`` does in Rust ``tokenizers``."""

    def __init__(self):
        self.tokens = vocabulary()
        self.ids = {token: index for index, token in enumerate(self.tokens)}
        self.character_ids = {char: self.ids[char] for char in PRINTABLE_ASCII}
        # Longest first, so that a scan finds the leftmost-longest control token as Rust does.
        self.control_tokens = sorted(SENTENCE_TOKENS + CHAT_TOKENS, key=len, reverse=True)
        self.bos_id = self.ids[BOS_TOKEN]
        self.eos_id = self.ids[EOS_TOKEN]
        self.unk_id = self.ids[UNK_TOKEN]
        self.end_id = self.ids[END_TOKEN]

    @property
    def vocab_size(self):
        return len(self.tokens)

    def encode_plain(self, text):
        """Ids of text with no control-token matching: one piece per character, or its bytes."""
        ids = []
        for char in text:
            if char in self.character_ids:
                ids.append(self.character_ids[char])
            else:
                ids.extend(self.ids[byte_piece(value)] for value in char.encode("utf-8"))
        return ids

    def encode(self, text, add_bos=False):
        """Ids of text where any literal control token becomes its id, as the HF tokenizer does.

        ``add_bos`` mirrors the post-processor (``add_special_tokens=True``); rendered chat text
        already starts with ``<s>``, so it is encoded with ``add_bos=False``.
        """
        ids = [self.bos_id] if add_bos else []
        start = 0
        position = 0
        while position < len(text):
            match = self._control_token_at(text, position)
            if match is None:
                position += 1
                continue
            ids.extend(self.encode_plain(text[start:position]))
            ids.append(self.ids[match])
            position += len(match)
            start = position
        ids.extend(self.encode_plain(text[start:]))
        return ids

    def decode(self, ids, skip_special_tokens=True):
        """Text of ids: byte tokens are fused back into UTF-8, control tokens kept or dropped."""
        pieces = []
        pending = bytearray()
        for token_id in ids:
            token = self.tokens[token_id]
            if token.startswith("<0x") and len(token) == 6:
                pending.append(int(token[3:5], 16))
                continue
            if pending:
                pieces.append(pending.decode("utf-8", errors="replace"))
                pending = bytearray()
            if token in SENTENCE_TOKENS or token in CHAT_TOKENS:
                if not skip_special_tokens:
                    pieces.append(token)
            else:
                pieces.append(token)
        if pending:
            pieces.append(pending.decode("utf-8", errors="replace"))
        return "".join(pieces)

    def _control_token_at(self, text, position):
        for token in self.control_tokens:
            if text.startswith(token, position):
                return token
        return None


def tokenizer_json():
    """The Hugging Face ``tokenizer.json`` document of the demo tokenizer."""
    tokens = vocabulary()
    model_vocab = {token: index for index, token in enumerate(tokens) if token not in CHAT_TOKENS}
    bos_id = tokens.index(BOS_TOKEN)
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [_added_token(tokens.index(token), token)
                         for token in SENTENCE_TOKENS + CHAT_TOKENS],
        "normalizer": None,
        "pre_tokenizer": None,
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": BOS_TOKEN, "type_id": 0}},
                       {"Sequence": {"id": "A", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": BOS_TOKEN, "type_id": 0}},
                     {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": BOS_TOKEN, "type_id": 1}},
                     {"Sequence": {"id": "B", "type_id": 1}}],
            "special_tokens": {BOS_TOKEN: {"id": BOS_TOKEN, "ids": [bos_id],
                                           "tokens": [BOS_TOKEN]}},
        },
        "decoder": {"type": "Sequence",
                    "decoders": [{"type": "ByteFallback"}, {"type": "Fuse"}]},
        "model": {
            "type": "BPE",
            "dropout": None,
            "unk_token": UNK_TOKEN,
            "continuing_subword_prefix": None,
            "end_of_word_suffix": None,
            "fuse_unk": False,
            "byte_fallback": True,
            "ignore_merges": False,
            "vocab": model_vocab,
            "merges": [],
        },
    }


def tokenizer_config():
    """The Hugging Face ``tokenizer_config.json`` document: special tokens and the chat template."""
    tokens = vocabulary()
    return {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "bos_token": BOS_TOKEN,
        "eos_token": EOS_TOKEN,
        "unk_token": UNK_TOKEN,
        "pad_token": EOS_TOKEN,
        "add_bos_token": True,
        "add_eos_token": False,
        "clean_up_tokenization_spaces": False,
        "model_max_length": MODEL_MAX_LENGTH,
        "padding_side": "right",
        "added_tokens_decoder": {
            str(tokens.index(token)): _added_token_flags(token)
            for token in SENTENCE_TOKENS + CHAT_TOKENS
        },
        "chat_template": CHAT_TEMPLATE,
    }


def _added_token(token_id, token):
    return {"id": token_id, **_added_token_flags(token)}


def _added_token_flags(token):
    return {"content": token, "single_word": False, "lstrip": False, "rstrip": False,
            "normalized": False, "special": True}

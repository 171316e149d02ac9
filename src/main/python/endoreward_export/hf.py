"""The Hugging Face front end: exports an ``AutoModelForCausalLM`` and its tokenizer.

transformers is imported here only, when this front end runs, so the rest of the exporter
works with plain torch.
"""

import json
from typing import List, Optional

import torch
from torch import nn

from endoreward_export.artefact import write_artefact
from endoreward_export.errors import ExportError

TORCH_DTYPES = {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}

SAMPLE_TEXTS = (
    "Hello, world!",
    "The quick brown fox jumps over the lazy dog. 1 + 1 = 2",
    "Ünïcödé, 日本語 and emoji 🙂 in one line",
)
"""Texts whose tokenisations join the generated rows of the self-check."""


class CausalLmLogits(nn.Module):
    """Maps (input_ids, attention_mask) int64 [B, T] with right padding to the model's logits [B, T, V].

    Position ids and the 4D additive attention mask are built here from the inputs, by
    arithmetic only: the model's own mask and position code would create tensors with
    device arguments, and its shortcuts depend on the data seen while tracing.
    """

    def __init__(self, model: nn.Module, dtype: torch.dtype):
        super().__init__()
        self.model = model
        self.mask_value = torch.finfo(dtype).min
        self.dtype = dtype

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        positions = (input_ids * 0 + 1).cumsum(1) - 1  # [B, T]: 0..T-1 per row, right padding
        causal = positions.unsqueeze(1) <= positions.unsqueeze(2)  # [B, T(query), T(key)]
        allowed = causal & attention_mask.bool().unsqueeze(1)  # padded keys hidden from every query
        additive = (~allowed).unsqueeze(1).to(self.dtype) * self.mask_value  # [B, 1, T, T]: 0 or the lowest value
        outputs = self.model(input_ids=input_ids, attention_mask=additive, position_ids=positions,
                             use_cache=False, return_dict=False)
        return outputs[0]  # [B, T, V]


def export_hf(model_id: str, output_dir, dtype: str = "float32") -> dict:
    """Exports a Hugging Face causal LM (a folder or hub id) as an artefact; returns the manifest."""
    try:
        import transformers
    except ImportError as e:
        raise ExportError.because("the hf format needs the transformers package, which is not installed") from e
    if dtype not in TORCH_DTYPES:
        raise ExportError.because(f"dtype {dtype!r} is not one of {', '.join(TORCH_DTYPES)}")
    try:
        tokenizer = transformers.AutoTokenizer.from_pretrained(model_id)
        model = transformers.AutoModelForCausalLM.from_pretrained(
            model_id, attn_implementation="eager", **_dtype_argument(transformers, TORCH_DTYPES[dtype]))
    except (OSError, ValueError, KeyError) as e:
        raise ExportError.because(f"cannot load {model_id}: {e}") from e
    model.config.use_cache = False
    vocab_size = model.get_output_embeddings().weight.shape[0]
    max_length = _max_length(model.config)
    eos_token_id = _first_id(tokenizer.eos_token_id, model.config.eos_token_id)
    if eos_token_id is None:
        raise ExportError.because(f"{model_id} defines no EOS token")
    bos_token_id = _first_id(tokenizer.bos_token_id, model.config.bos_token_id, eos_token_id)
    pad_token_id = _first_id(tokenizer.pad_token_id, eos_token_id)
    samples = [ids[:max_length] for ids in (tokenizer(text)["input_ids"] for text in SAMPLE_TEXTS) if ids]
    return write_artefact(
        CausalLmLogits(model, TORCH_DTYPES[dtype]), output_dir,
        tokenizer_json=_tokenizer_json(transformers, model_id, tokenizer),
        tokenizer_config=_tokenizer_config(transformers, model_id, tokenizer, max_length),
        source={"format": "hf", "model": str(model_id)},
        vocab_size=vocab_size, max_length=max_length,
        bos_token_id=bos_token_id, eos_token_id=eos_token_id, pad_token_id=pad_token_id,
        dtype=dtype, sample_input_ids=samples)


def _dtype_argument(transformers, dtype: torch.dtype) -> dict:
    """transformers 4.56 renamed from_pretrained's ``torch_dtype`` to ``dtype``."""
    major, minor = (int(part) for part in transformers.__version__.split(".")[:2])
    return {"dtype": dtype} if (major, minor) >= (4, 56) else {"torch_dtype": dtype}


def _max_length(config) -> int:
    for name in ("max_position_embeddings", "n_positions", "max_sequence_length", "seq_length"):
        value = getattr(config, name, None)
        if isinstance(value, int) and value > 0:
            return value
    raise ExportError.because("the model config states no maximum sequence length")


def _first_id(*candidates) -> Optional[int]:
    """The first candidate that is set; a list of ids (several EOS tokens) counts as its first element."""
    for candidate in candidates:
        if isinstance(candidate, (list, tuple)):
            candidate = candidate[0] if candidate else None
        if candidate is not None:
            return int(candidate)
    return None


def _source_json(transformers, model_id: str, filename: str) -> Optional[dict]:
    """A JSON file of the model folder or hub repository, or None when it has none."""
    path = transformers.utils.cached_file(model_id, filename, _raise_exceptions_for_missing_entries=False)
    if path is None:
        return None
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def _tokenizer_json(transformers, model_id: str, tokenizer) -> dict:
    """The source's tokenizer.json as it is, or the one the loaded fast tokenizer serialises to."""
    source = _source_json(transformers, model_id, "tokenizer.json")
    if source is not None:
        return source
    backend = getattr(tokenizer, "backend_tokenizer", None)
    if backend is None:
        raise ExportError.because(f"{model_id} has no tokenizer.json and no fast tokenizer to produce one")
    return json.loads(backend.to_str())


def _tokenizer_config(transformers, model_id: str, tokenizer, max_length: int) -> dict:
    """The source's tokenizer_config.json with special tokens, BOS behaviour, length and chat template resolved."""
    config = _source_json(transformers, model_id, "tokenizer_config.json") or {}
    for name in ("bos_token", "eos_token", "unk_token", "pad_token"):
        value = getattr(tokenizer, name, None)
        if value is not None:
            config[name] = str(value)
        else:
            config.pop(name, None)
    config["add_bos_token"] = _adds_bos(tokenizer)
    config["model_max_length"] = max_length
    chat_template = getattr(tokenizer, "chat_template", None)
    if isinstance(chat_template, dict):  # named templates; the default one is what chats use
        chat_template = chat_template.get("default")
    if chat_template:
        config["chat_template"] = chat_template
    else:
        config.pop("chat_template", None)
    return config


def _adds_bos(tokenizer) -> bool:
    """Whether encoding with special tokens puts BOS first, observed rather than read from flags."""
    if tokenizer.bos_token_id is None:
        return False
    ids: List[int] = tokenizer("a")["input_ids"]
    return bool(ids) and ids[0] == tokenizer.bos_token_id

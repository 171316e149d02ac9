"""The Hugging Face front end: exports an ``AutoModelForCausalLM`` and its tokenizer.

The model is traced from its decoder's forward, with the family's own attention masks (sliding windows
included) and SDPA attention, and checked against its own full forward with eager attention. transformers
is imported here only, when this front end runs, so the rest of the exporter works with plain torch.
"""

from contextlib import contextmanager, nullcontext
import json
from typing import Iterator, List, Optional, Tuple

import torch
from torch import nn

from endoreward_export.artefact import write_artefact
from endoreward_export.errors import ExportError
from endoreward_export.reward_head import LanguageModel

TORCH_DTYPES = {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}

REFERENCE_ATTENTION = "eager"
"""The attention the model is loaded with, and its own forward runs with as the self-check's reference."""

SAMPLE_TEXTS = (
    "Hello, world!",
    "The quick brown fox jumps over the lazy dog. 1 + 1 = 2",
    "Ünïcödé, 日本語 and emoji 🙂 in one line",
)
"""Texts whose tokenisations join the generated rows of the self-check."""


class DecoderHiddenStates(nn.Module):
    """Maps (input_ids, attention_mask) int64 [B, T] with right padding to the decoder's final hidden states [B, T, D].

    The 2D mask goes to the model, which builds each layer's own 4D mask from it (causal, sliding window or
    chunked), so every attention type sees what it sees in the model's own forward. Position ids count
    0..T-1 on every row, by arithmetic on the inputs, which is right for right padding.
    """

    def __init__(self, decoder: nn.Module):
        super().__init__()
        self.decoder = decoder

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        positions = (input_ids * 0 + 1).cumsum(1) - 1  # [B, T]
        outputs = self.decoder(input_ids=input_ids, attention_mask=attention_mask, position_ids=positions,
                               use_cache=False, return_dict=False)
        return outputs[0]  # [B, T, D]


def language_model(model: nn.Module, attention: Optional[str] = None) -> LanguageModel:
    """A transformers causal LM (loaded with eager attention) taken apart for the exporter, to be traced with
    ``attention`` (default: :func:`traced_attention`)."""
    config = model.config
    attention = attention or traced_attention(config)
    output = model.get_output_embeddings()
    if output is None or getattr(output, "weight", None) is None or output.weight.dim() != 2:
        raise ExportError.because(f"{type(model).__name__} has no output layer with a [vocab, hidden] weight")
    logit_scale, softcap = _logit_transform(config)
    return LanguageModel(
        body=DecoderHiddenStates(_decoder(model)), output=output,
        reference=lambda input_ids: model(input_ids=input_ids, use_cache=False).logits,
        logit_scale=logit_scale, softcap=softcap,
        tracing=lambda: _traceable(model, attention),
        threshold_lengths=_threshold_lengths(config))


def traced_attention(config) -> str:
    """SDPA, so libtorch picks fused kernels; eager for families that soft-cap attention scores (Gemma 2), which
    SDPA cannot."""
    return "eager" if getattr(config, "attn_logit_softcapping", None) else "sdpa"


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
            model_id, attn_implementation=REFERENCE_ATTENTION, **_dtype_argument(transformers, TORCH_DTYPES[dtype]))
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
        language_model(model), output_dir,
        tokenizer_json=_tokenizer_json(transformers, model_id, tokenizer),
        tokenizer_config=_tokenizer_config(transformers, model_id, tokenizer, max_length),
        source={"format": "hf", "model": str(model_id), "architecture": type(model).__name__,
                "attention": traced_attention(model.config)},
        vocab_size=vocab_size, max_length=max_length,
        bos_token_id=bos_token_id, eos_token_id=eos_token_id, pad_token_id=pad_token_id,
        dtype=dtype, sample_input_ids=samples)


def _decoder(model: nn.Module) -> nn.Module:
    """The module whose first output is the hidden states the output layer reads: the base model
    (``model.transformer`` of GPT-2, ``model.gpt_neox``, ``model.model``...)."""
    prefix = getattr(model, "base_model_prefix", "")
    base = getattr(model, prefix, None) if prefix else None
    decoder = base if isinstance(base, nn.Module) else model.get_decoder()
    if decoder is model or decoder is None:
        raise ExportError.because(f"cannot find the decoder of {type(model).__name__}")
    return decoder


def _logit_transform(config) -> Tuple[float, Optional[float]]:
    """(scale, soft-cap) the family applies to the output layer's logits: Cohere multiplies them by
    ``logit_scale``, Granite divides them by ``logits_scaling``, Gemma 2 and 3 soft-cap them at
    ``final_logit_softcapping``. A family with another transform fails the self-check."""
    scale = 1.0
    if getattr(config, "logit_scale", None) is not None:
        scale *= float(config.logit_scale)
    if getattr(config, "logits_scaling", None) is not None:
        scale /= float(config.logits_scaling)
    softcap = getattr(config, "final_logit_softcapping", None)
    return scale, (float(softcap) if softcap else None)


def _threshold_lengths(config) -> Tuple[int, ...]:
    """Lengths past which the family computes differently: a sliding window that some layer uses, the original
    length past which long-rope switches its factors."""
    lengths = []
    window = getattr(config, "sliding_window", None)
    layer_types = getattr(config, "layer_types", None)
    if isinstance(window, int) and window > 0 and (not layer_types or "sliding_attention" in layer_types):
        lengths.append(window)
    rope = getattr(config, "rope_scaling", None) or {}
    if rope.get("rope_type", rope.get("type")) == "longrope":
        lengths.append(int(getattr(config, "original_max_position_embeddings", None)
                           or rope["original_max_position_embeddings"]))
    return tuple(lengths)


@contextmanager
def _traceable(model: nn.Module, attention: str) -> Iterator[None]:
    """The model runs ``attention`` and builds its masks without ``torch.vmap``, which a trace cannot record;
    both are restored afterwards."""
    previous = model.config._attn_implementation
    model.set_attn_implementation(attention)
    if model.config._attn_implementation != attention:
        raise ExportError.because(f"{type(model).__name__} cannot switch to {attention} attention")
    try:
        with _masks_without_vmap():
            yield
    finally:
        model.set_attn_implementation(previous)


@contextmanager
def _masks_without_vmap() -> Iterator[None]:
    """transformers' masking_utils evaluates a family's mask function (causal, sliding window, padding...) over
    index tensors with ``torch.vmap`` inside a getitem-rewriting torch function mode; neither can be traced.
    Broadcasting the index tensors evaluates the same elementwise function to the same mask. Versions
    without these helpers build their masks by broadcasting already."""
    from transformers import masking_utils
    if not hasattr(masking_utils, "_vmap_for_bhqkv"):
        yield
        return
    saved = masking_utils._vmap_for_bhqkv, masking_utils.TransformGetItemToIndex
    masking_utils._vmap_for_bhqkv = _broadcast_for_bhqkv
    masking_utils.TransformGetItemToIndex = nullcontext
    try:
        yield
    finally:
        masking_utils._vmap_for_bhqkv, masking_utils.TransformGetItemToIndex = saved


def _broadcast_for_bhqkv(mask_function, bh_indices: bool = True):
    """A stand-in for masking_utils._vmap_for_bhqkv: the mask function over broadcast index tensors,
    [B, H, Q, KV] (or [Q, KV] without batch and head indices)."""

    def evaluate(batch_idx, head_idx, q_idx, kv_idx):
        if not bh_indices:
            mask = mask_function(batch_idx, head_idx, q_idx[:, None], kv_idx[None, :])
            return mask.expand(q_idx.shape[0], kv_idx.shape[0])
        mask = mask_function(batch_idx[:, None, None, None], head_idx[None, :, None, None],
                             q_idx[None, None, :, None], kv_idx[None, None, None, :])
        return mask.expand(batch_idx.shape[0], head_idx.shape[0], q_idx.shape[0], kv_idx.shape[0])

    return evaluate


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

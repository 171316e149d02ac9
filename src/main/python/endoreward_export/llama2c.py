"""The llama2.c front end: reads a legacy ``model.bin`` checkpoint and its ``tokenizer.bin``, exports both."""

from pathlib import Path
import struct

import numpy as np
import torch

from endoreward_export.artefact import write_artefact
from endoreward_export.errors import ExportError
from endoreward_export.llama import Llama, LlamaConfig, language_model
from endoreward_export.llama2c_tokenizer import (BOS_ID, EOS_ID, read_llama2c_tokenizer, to_hf_tokenizer_config,
                                                 to_hf_tokenizer_json)

HEADER = struct.Struct("<7i")
"""dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size (negative = untied output), seq_len."""


def read_llama2c_checkpoint(path) -> Llama:
    """Loads a llama2.c legacy checkpoint into a :class:`Llama` in evaluation mode."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise ExportError.because(f"cannot read checkpoint {path}: {e.strerror}") from e
    if len(data) < HEADER.size:
        raise ExportError.because(f"checkpoint {path} is shorter than its header")
    dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size, seq_len = HEADER.unpack_from(data)
    if min(dim, hidden_dim, n_layers, n_heads, n_kv_heads, seq_len) < 1 or vocab_size == 0:
        raise ExportError.because(f"checkpoint {path} has an invalid header: {HEADER.unpack_from(data)}")
    tied = vocab_size > 0
    try:
        config = LlamaConfig(dim=dim, hidden_dim=hidden_dim, n_layers=n_layers, n_heads=n_heads,
                             n_kv_heads=n_kv_heads, vocab_size=abs(vocab_size), max_seq_len=seq_len,
                             tied_embeddings=tied)
    except ValueError as e:
        raise ExportError.because(f"checkpoint {path} has an invalid header: {e}") from e
    shapes = _tensor_shapes(config)
    floats = sum(int(np.prod(shape)) for _, shape in shapes)
    expected_bytes = HEADER.size + 4 * floats
    if len(data) != expected_bytes:
        raise ExportError.because(f"checkpoint {path} has {len(data)} bytes, its header implies {expected_bytes}")
    values = np.frombuffer(data, dtype="<f4", offset=HEADER.size)
    model = Llama(config)
    state = {}
    offset = 0
    for name, shape in shapes:
        size = int(np.prod(shape))
        state[name] = torch.from_numpy(values[offset:offset + size].reshape(shape).copy())
        offset += size
    _load(model, state)
    return model.eval()


def export_llama2c(checkpoint, tokenizer, output_dir) -> dict:
    """Exports a llama2.c checkpoint and tokenizer as an artefact; returns the manifest."""
    model = read_llama2c_checkpoint(checkpoint)
    config = model.config
    pieces = read_llama2c_tokenizer(tokenizer)
    if len(pieces) != config.vocab_size:
        raise ExportError.because(
            f"tokenizer {tokenizer} has {len(pieces)} tokens but checkpoint {checkpoint} has {config.vocab_size}")
    return write_artefact(
        language_model(model), output_dir,
        tokenizer_json=to_hf_tokenizer_json(pieces),
        tokenizer_config=to_hf_tokenizer_config(config.max_seq_len),
        source={"format": "llama2c", "model": str(checkpoint), "attention": "sdpa"},
        vocab_size=config.vocab_size, max_length=config.max_seq_len,
        bos_token_id=BOS_ID, eos_token_id=EOS_ID, pad_token_id=EOS_ID)


def _tensor_shapes(config: LlamaConfig):
    """(name, shape) of every float block of the file in order, the unused legacy RoPE tables included."""
    layers, dim, hidden = config.n_layers, config.dim, config.hidden_dim
    kv_dim = config.n_kv_heads * config.head_dim
    shapes = [("tok_embeddings", (config.vocab_size, dim)), ("attention_norm", (layers, dim)),
              ("wq", (layers, dim, dim)), ("wk", (layers, kv_dim, dim)), ("wv", (layers, kv_dim, dim)),
              ("wo", (layers, dim, dim)), ("ffn_norm", (layers, dim)), ("w1", (layers, hidden, dim)),
              ("w2", (layers, dim, hidden)), ("w3", (layers, hidden, dim)), ("norm", (dim,)),
              ("legacy_rope_real", (config.max_seq_len, config.head_dim // 2)),
              ("legacy_rope_imag", (config.max_seq_len, config.head_dim // 2))]
    if not config.tied_embeddings:
        shapes.append(("output", (config.vocab_size, dim)))
    return shapes


def _load(model: Llama, state) -> None:
    with torch.no_grad():
        model.tok_embeddings.weight.copy_(state["tok_embeddings"])
        for i, layer in enumerate(model.layers):
            layer.attention_norm.weight.copy_(state["attention_norm"][i])
            layer.attention.wq.weight.copy_(state["wq"][i])
            layer.attention.wk.weight.copy_(state["wk"][i])
            layer.attention.wv.weight.copy_(state["wv"][i])
            layer.attention.wo.weight.copy_(state["wo"][i])
            layer.ffn_norm.weight.copy_(state["ffn_norm"][i])
            layer.feed_forward.w1.weight.copy_(state["w1"][i])
            layer.feed_forward.w2.weight.copy_(state["w2"][i])
            layer.feed_forward.w3.weight.copy_(state["w3"][i])
        model.norm.weight.copy_(state["norm"])
        if "output" in state:
            model.output.weight.copy_(state["output"])

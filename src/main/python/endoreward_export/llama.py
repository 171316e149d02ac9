"""A plain-torch Llama 2 decoder, numerically the architecture of llama2.c.

Grouped-query attention, rotary position embeddings that rotate adjacent pairs (2i, 2i+1) of
each head, RMSNorm, a SwiGLU feed-forward block and tied or untied output weights. Parameter
names follow llama2.c's ``model.py`` so its state dicts load as they are.

Positions and masks are derived from the inputs by tensor arithmetic, never by factory
functions such as ``arange`` whose size and device the tracer would pin, so ``torch.jit.trace``
yields a module that accepts any batch size and sequence length up to ``max_seq_len``, on any
device.

The model computes attention as llama2.c writes it out (scores, a float32 softmax, the weighted sum),
which is the reference the exporter checks against; the exporter traces it with
``scaled_dot_product_attention`` instead (:func:`fused_attention`), so libtorch runs a fused kernel that
never holds the [B, H, T, T] scores.
"""

from contextlib import contextmanager
from dataclasses import dataclass
import math
from typing import Iterator, Optional, Tuple

import torch
from torch import nn
import torch.nn.functional as F

from endoreward_export.reward_head import LanguageModel


@dataclass
class LlamaConfig:
    """Hyper-parameters of a Llama decoder (the fields of a llama2.c checkpoint header)."""

    dim: int
    hidden_dim: int
    n_layers: int
    n_heads: int
    n_kv_heads: int
    vocab_size: int
    max_seq_len: int
    norm_eps: float = 1e-5
    rope_theta: float = 10000.0
    tied_embeddings: bool = True

    def __post_init__(self) -> None:
        if self.dim % self.n_heads != 0:
            raise ValueError(f"Cannot build Llama: dim {self.dim} is not a multiple of n_heads {self.n_heads}")
        if self.n_heads % self.n_kv_heads != 0:
            raise ValueError(
                f"Cannot build Llama: n_heads {self.n_heads} is not a multiple of n_kv_heads {self.n_kv_heads}")
        if self.head_dim % 2 != 0:
            raise ValueError(f"Cannot build Llama: head size {self.head_dim} is odd, RoPE needs pairs")

    @property
    def head_dim(self) -> int:
        return self.dim // self.n_heads


class RMSNorm(nn.Module):
    """Root-mean-square layer norm with a learned gain."""

    def __init__(self, dim: int, eps: float):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # x: [..., dim]
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rope_tables(config: LlamaConfig) -> Tuple[torch.Tensor, torch.Tensor]:
    """Cosine and sine tables, each [max_seq_len, head_dim / 2], as llama2.c's model.py computes them."""
    half = config.head_dim // 2
    freqs = 1.0 / (config.rope_theta ** (torch.arange(0, config.head_dim, 2)[:half].float() / config.head_dim))
    angles = torch.outer(torch.arange(config.max_seq_len).float(), freqs)  # [max_seq_len, half]
    return torch.cos(angles), torch.sin(angles)


def apply_rope(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    """Rotates each adjacent pair (2i, 2i+1) of the head dimension by its position's angle.

    x: [B, T, H, head_dim]; cos, sin: [T, head_dim / 2].
    """
    pairs = x.unflatten(-1, (x.shape[-1] // 2, 2))  # [B, T, H, half, 2]; head size is a constant
    even, odd = pairs[..., 0], pairs[..., 1]  # [B, T, H, half]
    cos = cos.unsqueeze(1)  # [T, 1, half]
    sin = sin.unsqueeze(1)
    rotated = torch.stack([even * cos - odd * sin, even * sin + odd * cos], dim=-1)  # [B, T, H, half, 2]
    return rotated.flatten(-2)


class Attention(nn.Module):
    """Causal multi-head attention with grouped key/value heads."""

    def __init__(self, config: LlamaConfig):
        super().__init__()
        self.n_heads = config.n_heads
        self.n_kv_heads = config.n_kv_heads
        self.head_dim = config.head_dim
        self.wq = nn.Linear(config.dim, config.n_heads * config.head_dim, bias=False)
        self.wk = nn.Linear(config.dim, config.n_kv_heads * config.head_dim, bias=False)
        self.wv = nn.Linear(config.dim, config.n_kv_heads * config.head_dim, bias=False)
        self.wo = nn.Linear(config.n_heads * config.head_dim, config.dim, bias=False)
        self.fused = False  # see fused_attention

    def forward(self, x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor, allowed: torch.Tensor) -> torch.Tensor:
        # x: [B, T, dim]; allowed: [B or 1, 1, T, T] bool, True where a query may attend to a key
        q = self.wq(x).unflatten(-1, (self.n_heads, self.head_dim))  # [B, T, H, hd]
        k = self.wk(x).unflatten(-1, (self.n_kv_heads, self.head_dim))  # [B, T, KV, hd]
        v = self.wv(x).unflatten(-1, (self.n_kv_heads, self.head_dim))
        q = apply_rope(q, cos, sin)
        k = apply_rope(k, cos, sin)
        group = self.n_heads // self.n_kv_heads
        if group > 1:
            # query head h reads key/value head h // group, as llama2.c does
            k = k.repeat_interleave(group, dim=2)  # [B, T, H, hd]
            v = v.repeat_interleave(group, dim=2)
        q, k, v = q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2)  # [B, H, T, hd]
        if self.fused:
            # Every query sees key 0 (rows are right-padded and never empty), so no row is fully masked.
            out = F.scaled_dot_product_attention(q, k, v, attn_mask=allowed)  # [B, H, T, hd]
            return self.wo(out.transpose(1, 2).flatten(2))
        scores = torch.matmul(q, k.transpose(-2, -1)) / math.sqrt(self.head_dim)  # [B, H, T, T]
        # the lowest finite value, not -inf, so a row with no visible key gives no NaN
        scores = scores.masked_fill(~allowed, torch.finfo(scores.dtype).min)
        probs = F.softmax(scores.float(), dim=-1).type_as(q)
        out = torch.matmul(probs, v)  # [B, H, T, hd]
        return self.wo(out.transpose(1, 2).flatten(2))  # [B, T, dim]


class FeedForward(nn.Module):
    """SwiGLU block: w2(silu(w1 x) * w3 x)."""

    def __init__(self, config: LlamaConfig):
        super().__init__()
        self.w1 = nn.Linear(config.dim, config.hidden_dim, bias=False)
        self.w2 = nn.Linear(config.hidden_dim, config.dim, bias=False)
        self.w3 = nn.Linear(config.dim, config.hidden_dim, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.w2(F.silu(self.w1(x)) * self.w3(x))


class TransformerBlock(nn.Module):
    """Pre-norm attention and feed-forward with residual connections."""

    def __init__(self, config: LlamaConfig):
        super().__init__()
        self.attention = Attention(config)
        self.feed_forward = FeedForward(config)
        self.attention_norm = RMSNorm(config.dim, config.norm_eps)
        self.ffn_norm = RMSNorm(config.dim, config.norm_eps)

    def forward(self, x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor, allowed: torch.Tensor) -> torch.Tensor:
        h = x + self.attention(self.attention_norm(x), cos, sin, allowed)
        return h + self.feed_forward(self.ffn_norm(h))


class Llama(nn.Module):
    """Llama 2 decoder mapping token ids to float32 logits."""

    def __init__(self, config: LlamaConfig):
        super().__init__()
        self.config = config
        self.tok_embeddings = nn.Embedding(config.vocab_size, config.dim)
        self.layers = nn.ModuleList(TransformerBlock(config) for _ in range(config.n_layers))
        self.norm = RMSNorm(config.dim, config.norm_eps)
        self.output = nn.Linear(config.dim, config.vocab_size, bias=False)
        if config.tied_embeddings:
            self.output.weight = self.tok_embeddings.weight
        cos, sin = rope_tables(config)
        self.register_buffer("rope_cos", cos, persistent=False)  # [max_seq_len, head_dim / 2]
        self.register_buffer("rope_sin", sin, persistent=False)

    def forward(self, input_ids: torch.Tensor, attention_mask: Optional[torch.Tensor] = None) -> torch.Tensor:
        """input_ids, attention_mask: int64 [B, T] (mask 1 = token, 0 = right padding) -> logits float32 [B, T, V]."""
        return self.output(self.hidden_states(input_ids, attention_mask)).float()

    def hidden_states(self, input_ids: torch.Tensor, attention_mask: Optional[torch.Tensor] = None) -> torch.Tensor:
        """input_ids, attention_mask: int64 [B, T] -> the final norm's output [B, T, dim], what ``output`` reads.

        With right padding every valid position sees only valid keys, so the mask changes
        nothing there; it only keeps padded keys out of padded queries.
        """
        positions = (input_ids[0] * 0 + 1).cumsum(0) - 1  # [T]; not arange, which would pin the device
        cos = self.rope_cos[positions]  # [T, head_dim / 2]
        sin = self.rope_sin[positions]
        allowed = (positions.unsqueeze(0) <= positions.unsqueeze(1)).unsqueeze(0).unsqueeze(0)  # [1, 1, T, T]
        if attention_mask is not None:
            allowed = allowed & attention_mask.bool().unsqueeze(1).unsqueeze(1)  # [B, 1, T, T]
        h = self.tok_embeddings(input_ids)  # [B, T, dim]
        for layer in self.layers:
            h = layer(h, cos, sin, allowed)
        return self.norm(h)


class HiddenStates(nn.Module):
    """A :class:`Llama` up to its final norm, as a module of its own for the exporter to trace."""

    def __init__(self, model: Llama):
        super().__init__()
        self.model = model

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return self.model.hidden_states(input_ids, attention_mask)  # [B, T, dim]


@contextmanager
def fused_attention(model: Llama) -> Iterator[None]:
    """``model``'s attention layers run ``scaled_dot_product_attention`` within the context, written out again after."""
    layers = [layer.attention for layer in model.layers]
    for attention in layers:
        attention.fused = True
    try:
        yield
    finally:
        for attention in layers:
            attention.fused = False


def language_model(model: Llama) -> LanguageModel:
    """``model`` taken apart for the exporter: its body, traced with fused attention, its output layer, and itself
    (attention written out) as the reference."""
    return LanguageModel(body=HiddenStates(model), output=model.output, reference=model,
                         tracing=lambda: fused_attention(model))

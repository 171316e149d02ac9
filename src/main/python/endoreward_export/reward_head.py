"""The generic reward head: reduces a causal LM's logits over the vocabulary inside the module, a chunk of
positions at a time.

The language model's body gives the final hidden states [B, T, D]; the head applies the output layer (and
the family's logit scaling and soft-capping) to at most ``chunk_positions`` token positions at a time and
reduces each chunk to a few float32 numbers per position. No tensor of [B, T, V] logits ever exists, so
the head's memory is O(chunk_positions * V) whatever the batch, and only the reductions leave the module.
"""

from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Callable, ContextManager, Optional, Tuple

import torch
from torch import nn
import torch.nn.functional as F

OUTPUT_NAMES = ("next_token_logit", "logsumexp")
"""Names of the outputs of the module's ``forward``, the scoring path, in the order it returns them."""

SCORE_FROM_METHOD = "score_from"
"""The scoring path when the caller reads only a row's later positions: ``forward``'s outputs from a given
position of each row on, with no logits computed before it. It returns :data:`OUTPUT_NAMES`."""

GREEDY_METHOD = "greedy"
"""The module's second method, for greedy checks; it shares forward's weights."""

GREEDY_OUTPUT_NAMES = ("max_logit", "argmax")
"""Names of the outputs of :data:`GREEDY_METHOD`, in the order it returns them."""

LOGITS_PER_CHUNK = 1 << 25
"""Logits one chunk holds at most (128 MiB in float32): 220 positions at a vocabulary of 152k, all of a
typical batch at small vocabularies."""


def positions_per_chunk(vocab_size: int) -> int:
    """Positions per chunk for a vocabulary: as many as :data:`LOGITS_PER_CHUNK` allows, at least one."""
    return max(1, LOGITS_PER_CHUNK // vocab_size)


@dataclass
class LanguageModel:
    """A causal LM as a front end hands it to the exporter.

    - ``body``: ``(input_ids, attention_mask)`` int64 [B, T], right-padded -> final hidden states [B, T, D]
      (after the last norm); the exporter traces it;
    - ``output``: the output layer, with ``weight`` [V, D] and ``bias`` [V] or None; a weight tied to the
      input embeddings stays one tensor;
    - ``logit_scale``, ``softcap``: the family's logits are ``softcap * tanh(logit_scale * l / softcap)``
      of the output layer's ``l`` (``softcap`` None: ``logit_scale * l``);
    - ``reference``: the source model's own forward, ``input_ids`` int64 [1, T] unpadded -> logits [1, T, V],
      which the exporter's self-check compares the module with;
    - ``tracing``: a context the body is traced in;
    - ``threshold_lengths``: sequence lengths where the model's computation changes (a sliding window, a
      rope switching factors); the self-check runs rows longer than each.
    """

    body: nn.Module
    output: nn.Module
    reference: Callable[[torch.Tensor], torch.Tensor]
    logit_scale: float = 1.0
    softcap: Optional[float] = None
    tracing: Callable[[], ContextManager] = nullcontext
    threshold_lengths: Tuple[int, ...] = field(default_factory=tuple)


class RewardHead(nn.Module):
    """Runs ``body`` and reduces the logits of its hidden states per position, ``chunk_positions`` at a time
    (default :func:`positions_per_chunk`).

    ``forward(input_ids, attention_mask)``, both int64 [B, T] with right padding, returns float32 [B, T]:

    - ``next_token_logit``: at t, the logit of ``input_ids[b, t + 1]`` where position t + 1 holds a token
      (attention mask 1), else exactly 0 (a row's last token, and padding);
    - ``logsumexp``: at each token position, logsumexp over the vocabulary of the float32 logits; 0 at padding.

    ``greedy(input_ids, attention_mask)`` returns ``max_logit`` float32 and ``argmax`` int64 [B, T]: the largest
    logit at each token position and its id; 0 at padding.

    ``score_from(input_ids, attention_mask, first_position)`` returns the same at positions t >= first_position[b]
    of each row, and 0 before them, without computing the logits there.

    Logits are only computed at token positions, so padding costs the body's work but not the head's. The
    output layer runs in the model's dtype; its result is cast to float32 before scaling, soft-capping and
    the reductions. Scripted (``torch.jit.script``) with a traced body, the chunk loop stays a loop.
    """

    def __init__(self, body: nn.Module, weight: torch.Tensor, bias: Optional[torch.Tensor] = None,
                 logit_scale: float = 1.0, softcap: Optional[float] = None,
                 chunk_positions: Optional[int] = None):
        super().__init__()
        chunk_positions = positions_per_chunk(weight.shape[0]) if chunk_positions is None else chunk_positions
        if chunk_positions < 1:
            raise ValueError(f"chunk_positions {chunk_positions} is not positive")
        self.body = body
        self.weight = weight  # [V, D]; the same tensor as the body's embeddings when tied
        self.bias = bias  # [V] or None
        self.logit_scale = float(logit_scale)
        # 0 stands for no soft-capping: a float attribute keeps the scripted branch simple
        self.softcap = 0.0 if softcap is None else float(softcap)
        self.chunk_positions = chunk_positions

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        return self._reductions(input_ids, attention_mask, attention_mask)

    @torch.jit.export
    def score_from(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                   first_position: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """``forward`` at the positions t >= ``first_position[b]`` (int64 [B]) of each row b, exactly 0 before them.

        The body still runs on every position (later positions attend to earlier ones), but the output layer and
        its reductions only on those: a reward reads a prompt's last position and the response's, so the
        prompt's other positions cost the body's work but not the head's."""
        positions = torch.arange(input_ids.size(1), device=input_ids.device).unsqueeze(0)  # [1, T]
        wanted = attention_mask * (positions >= first_position.unsqueeze(1)).to(attention_mask.dtype)  # [B, T]
        return self._reductions(input_ids, attention_mask, wanted)

    def _reductions(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                    wanted: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """The next-token logit and the logsumexp at the positions where ``wanted`` (int64 [B, T], within the
        attention mask) is 1, each float32 [B, T], 0 elsewhere."""
        states, valid = self._token_states(input_ids, attention_mask, wanted)  # [N, D], [N]
        # the token each position predicts, where the next position holds one; id 0 elsewhere, zeroed below
        has_next = torch.cat([attention_mask[:, 1:], attention_mask[:, :1] * 0], dim=1).flatten()[valid] > 0  # [N]
        next_ids = torch.cat([input_ids[:, 1:], input_ids[:, :1] * 0], dim=1).flatten()[valid] * has_next  # [N]
        count = valid.size(0)
        chosen = states.new_zeros([count], dtype=torch.float32)  # [N]
        logsumexp = states.new_zeros([count], dtype=torch.float32)  # [N]
        for start in range(0, count, self.chunk_positions):
            end = min(start + self.chunk_positions, count)
            logits = self._logits(states[start:end])  # [n, V] float32
            chosen[start:end] = logits.gather(1, next_ids[start:end].unsqueeze(1)).squeeze(1)
            logsumexp[start:end] = torch.logsumexp(logits, dim=1)
        chosen = chosen.masked_fill(~has_next, 0.0)
        return _unflatten(chosen, valid, input_ids), _unflatten(logsumexp, valid, input_ids)

    @torch.jit.export
    def greedy(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        states, valid = self._token_states(input_ids, attention_mask, attention_mask)  # [N, D], [N]
        count = valid.size(0)
        max_logit = states.new_zeros([count], dtype=torch.float32)  # [N]
        argmax = valid.new_zeros([count])  # [N] int64
        for start in range(0, count, self.chunk_positions):
            end = min(start + self.chunk_positions, count)
            values, indices = self._logits(states[start:end]).max(dim=1)  # [n] each
            max_logit[start:end] = values
            argmax[start:end] = indices
        return _unflatten(max_logit, valid, input_ids), _unflatten(argmax, valid, input_ids)

    def _token_states(self, input_ids: torch.Tensor, attention_mask: torch.Tensor,
                      wanted: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """The hidden states at the positions where ``wanted`` is 1 [N, D], and their flat indices into [B * T], [N]."""
        hidden = self.body(input_ids, attention_mask)  # [B, T, D]
        valid = wanted.flatten().nonzero().squeeze(1)  # [N]
        return hidden.flatten(0, 1)[valid], valid

    def _logits(self, states: torch.Tensor) -> torch.Tensor:
        """[n, D] hidden states -> [n, V] float32 logits."""
        logits = F.linear(states, self.weight, self.bias).float()
        if self.logit_scale != 1.0:
            logits = logits * self.logit_scale
        if self.softcap > 0.0:
            logits = torch.tanh(logits / self.softcap) * self.softcap
        return logits


def reward_head(lm: LanguageModel, body: Optional[nn.Module] = None,
                chunk_positions: Optional[int] = None) -> RewardHead:
    """The head of ``lm``, running ``body`` (a traced copy of ``lm.body``) instead of ``lm.body`` when given.

    A function rather than a method of :class:`RewardHead`, which TorchScript would look into when scripting."""
    return RewardHead(lm.body if body is None else body, lm.output.weight, getattr(lm.output, "bias", None),
                      lm.logit_scale, lm.softcap, chunk_positions)


def _unflatten(values: torch.Tensor, valid: torch.Tensor, input_ids: torch.Tensor) -> torch.Tensor:
    """Per-token values [N] placed at their flat positions ``valid`` of a [B, T] tensor of zeros."""
    out = input_ids.new_zeros([input_ids.numel()], dtype=values.dtype)  # [B * T]
    return out.index_copy(0, valid, values).view(input_ids.size())

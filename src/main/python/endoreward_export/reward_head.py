"""The generic reward head: reduces a causal LM's logits over the vocabulary inside the module.

Only per-position reductions leave the exported module, never the full logits, so the model
runtime ships a few floats per token back to the scorer.
"""

from typing import Tuple

import torch
from torch import nn

OUTPUT_NAMES = ("next_token_logit", "logsumexp", "max_logit", "argmax")
"""Names of the reward head's outputs, in the order the module returns them."""


class RewardHead(nn.Module):
    """Wraps ``lm: (input_ids, attention_mask) -> logits [B, T, V]`` into per-position reductions.

    forward(input_ids int64 [B, T], attention_mask int64 [B, T]) returns, all [B, T]:

    - ``next_token_logit`` float32: ``logits[b, t, input_ids[b, t + 1]]`` for t < T - 1, exactly 0 at T - 1;
    - ``logsumexp`` float32: logsumexp over the vocabulary of the float32 logits at t;
    - ``max_logit`` float32: the largest logit at t;
    - ``argmax`` int64: the id of the largest logit at t.

    Positions are independent of one another in the reductions, so results at a sequence's
    valid positions depend on padding only through ``lm`` itself.
    """

    def __init__(self, lm: nn.Module):
        super().__init__()
        self.lm = lm

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor
                ) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
        logits = self.lm(input_ids, attention_mask).float()  # [B, T, V]
        # new tensors come from arithmetic on the inputs, not factory functions such as zeros_like,
        # which the tracer would pin to the tracing device
        last = input_ids[:, :1] * 0  # [B, 1]
        # the token each position predicts; the last position predicts nothing and borrows id 0
        next_ids = torch.cat([input_ids[:, 1:], last], dim=1)  # [B, T]
        has_next = torch.cat([input_ids[:, 1:] * 0 + 1, last], dim=1).bool()  # [B, T]
        chosen = logits.gather(2, next_ids.unsqueeze(-1)).squeeze(-1)  # [B, T]
        next_token_logit = chosen.masked_fill(~has_next, 0.0)
        logsumexp = torch.logsumexp(logits, dim=-1)  # [B, T]
        max_logit, argmax = logits.max(dim=-1)  # [B, T] each
        return next_token_logit, logsumexp, max_logit, argmax

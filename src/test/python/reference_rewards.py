"""Endogenous rewards computed the slow, obvious way: the reference the scorer's tests compare against.

Runs the eager Llama of a llama2.c checkpoint on one unpadded sequence at a time, takes its
full logits, and applies the formulas of the design notes in float64:

    c_k = l_{P+k-2}[y_k],  LSE_k = logsumexp(l_{P+k-2}),  logp_k = c_k - LSE_k,  V_k = alpha * LSE_k,
    r_k = alpha * c_k - gamma * V_{k+1},  V_{R+1} = 0 (zero) or alpha * logsumexp(l_{P+R-1}) (bootstrap).

Usage: reference_rewards.py --checkpoint <model.bin> --input pairs.json --output rewards.json
                            [--alpha 1] [--gamma 1] [--terminal zero|bootstrap]
pairs.json is a JSON array of {"id": str, "prompt_ids": [...], "response_ids": [...]}; rewards.json is a
JSON object mapping each id to {token_rewards, token_logprobs, reward, reward_mean, logprob,
logprob_mean, value_prompt}.
"""

import argparse
import json
import os
import sys
from typing import Dict, List

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "main", "python"))

from endoreward_export.llama2c import read_llama2c_checkpoint  # noqa: E402

TERMINALS = ("zero", "bootstrap")


def sequence_rewards(model: torch.nn.Module, prompt_ids: List[int], response_ids: List[int], alpha: float,
                     gamma: float, terminal: str) -> Dict[str, object]:
    """The token- and sequence-level rewards of one prompt/response pair."""
    prompt_length, response_length = len(prompt_ids), len(response_ids)
    if prompt_length < 1 or response_length < 1:
        raise ValueError("a pair needs at least one prompt token and one response token")
    with torch.no_grad():
        logits = model(torch.tensor([prompt_ids + response_ids]))[0].double()  # [P + R, V]
    chosen, lse = [], []
    for k in range(1, response_length + 1):
        position = prompt_length + k - 2
        chosen.append(logits[position, response_ids[k - 1]].item())
        lse.append(torch.logsumexp(logits[position], dim=0).item())
    values = [alpha * x for x in lse]
    terminal_value = alpha * torch.logsumexp(logits[prompt_length + response_length - 1], dim=0).item() \
        if terminal == "bootstrap" else 0.0
    next_values = values[1:] + [terminal_value]
    token_rewards = [alpha * c - gamma * v for c, v in zip(chosen, next_values)]
    token_logprobs = [c - x for c, x in zip(chosen, lse)]
    reward, logprob = sum(token_rewards), sum(token_logprobs)
    return {
        "token_rewards": token_rewards,
        "token_logprobs": token_logprobs,
        "reward": reward,
        "reward_mean": reward / response_length,
        "logprob": logprob,
        "logprob_mean": logprob / response_length,
        "value_prompt": values[0],
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", required=True, help="llama2.c model.bin")
    parser.add_argument("--input", required=True, help="JSON array of {id, prompt_ids, response_ids}")
    parser.add_argument("--output", required=True, help="where to write the JSON object of rewards by id")
    parser.add_argument("--alpha", type=float, default=1.0)
    parser.add_argument("--gamma", type=float, default=1.0)
    parser.add_argument("--terminal", choices=TERMINALS, default="zero")
    args = parser.parse_args(argv)
    model = read_llama2c_checkpoint(args.checkpoint)
    with open(args.input, encoding="utf-8") as f:
        pairs = json.load(f)
    results = {}
    for pair in pairs:
        if pair["id"] in results:
            parser.error(f"id {pair['id']!r} appears twice in {args.input}")
        results[pair["id"]] = sequence_rewards(model, list(pair["prompt_ids"]), list(pair["response_ids"]),
                                               args.alpha, args.gamma, args.terminal)
    with open(args.output, "w", encoding="utf-8") as f:
        json.dump(results, f)
    return 0


if __name__ == "__main__":
    sys.exit(main())

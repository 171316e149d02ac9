#!/usr/bin/env python3
"""Builds the Java tests' Hugging Face fixture: every family of hf_families.FAMILIES exported through the hf front
end in every dtype, with pairs of mixed lengths and their float64 reference rewards.

    jobs/python.sh src/test/python/hf_fixture.py --output DIR

For each family, DIR/<family>-source is a saved random float32 model with its tokenizer, and
DIR/<family>-<dtype> its artefact exported at that dtype by the exporter's command line. The references
come from transformers' eager forward of the weights each artefact holds (rounded to its dtype), computed
in float64 on each sequence alone, with full logits (hf_families.reference_rewards_of). DIR/cases.json,
written last, lists them::

    {"alpha": 1.0, "gamma": 1.0, "terminal": "bootstrap",
     "cases": [{"name": "llama-float32", "family": "llama", "dtype": "float32", "artefact": "llama-float32",
                "pairs": [{"prompt_ids": [...], "response_ids": [...],
                           "reference": {"token_rewards": [...], "token_logprobs": [...], "reward": float,
                                         "logprob": float, "value_prompt": float, ...}}, ...]}, ...]}

The bootstrapped terminal value makes every position's logsumexp, the last one included, reach a reward.
"""

import argparse
import json
import os
from pathlib import Path
import sys

import hf_families

ALPHA, GAMMA, TERMINAL = 1.0, 1.0, "bootstrap"
CASES_FILE = "cases.json"


def build_case(root: Path, family: str, dtype: str, tokenizer) -> dict:
    source, name = root / f"{family}-source", f"{family}-{dtype}"
    if hf_families.export(source, root / name, dtype) != 0:
        raise SystemExit(f"Cannot build the fixture: exporting {name} failed")
    model = hf_families.float64_model(source, dtype)
    pairs = []
    for pair in hf_families.mixed_pairs(tokenizer):
        reference = hf_families.reference_rewards_of(model, pair["prompt_ids"], pair["response_ids"], ALPHA, GAMMA,
                                                     TERMINAL)
        pairs.append(dict(pair, reference=reference))
    return {"name": name, "family": family, "dtype": dtype, "artefact": name, "pairs": pairs}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", required=True, help="folder to write the sources, artefacts and cases.json to")
    args = parser.parse_args(argv)
    root = Path(args.output)
    root.mkdir(parents=True, exist_ok=True)
    cases = []
    for family in hf_families.FAMILIES:
        tokenizer = hf_families.build_source(root / f"{family}-source", family)
        for dtype in hf_families.DTYPES:
            cases.append(build_case(root, family, dtype, tokenizer))
    tmp = root / (CASES_FILE + ".tmp")
    tmp.write_text(json.dumps({"alpha": ALPHA, "gamma": GAMMA, "terminal": TERMINAL, "cases": cases}),
                   encoding="utf-8")
    os.replace(tmp, root / CASES_FILE)
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Checks the Hugging Face front end on real transformers architectures with random weights, on the CPU and CUDA.

Needs torch, transformers and tokenizers; no network, no Java. For every family of hf_families (the Java
tests' FAMILIES and the EXTRA_FAMILIES) in float32, bfloat16 and float16, it saves a small random model
with its tokenizer, exports it through the exporter's command line (on the CPU, as users do), loads the
artefact on each device and compares its outputs on one right-padded batch of pairs of mixed lengths
(hf_families.mixed_pairs) with transformers' eager forward of the same weights in float64 on each
sequence alone: the largest differences of next_token_logit and logsumexp (absolute for float32,
relative to max(1, |reference|) for the half dtypes, within hf_families.TOLERANCES) and the greedy
method's argmax mismatches (outside near-ties). Then, on CUDA, it times the reward head alone in bfloat16
at Qwen2's vocabulary (151,936) on 16,384 positions, chunked and unchunked: tokens/s and peak memory.
Prints tables; exits 1 when a difference exceeds its tolerance.

    python src/test/python/gpu/check_hf_export.py [--keep DIR] [--families a,b] [--skip-head]
"""

import argparse
from pathlib import Path
import sys
import tempfile
import time

TESTS = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(TESTS), str(TESTS / "bench")]

import hf_families  # noqa: E402  (puts the exporter on the path)
import hf_memory  # noqa: E402

import torch  # noqa: E402
import transformers  # noqa: E402

from endoreward_export.artefact import pad_right  # noqa: E402


def compare(artefact, reference, rows, pad_token_id: int, device: str, dtype: str):
    """Largest differences of the artefact's outputs from the float64 reference, and argmax mismatches where the
    reference's two largest logits are further apart than the tolerance."""
    tolerance, relative = hf_families.TOLERANCES[dtype]
    input_ids, attention_mask = (t.to(device) for t in pad_right(rows, pad_token_id))
    with torch.no_grad():
        next_logit, logsumexp = (t.double().cpu() for t in artefact(input_ids, attention_mask))
        argmax = artefact.greedy(input_ids, attention_mask)[1].cpu()
    diffs = {"next_token_logit": 0.0, "logsumexp": 0.0}
    mismatches = 0
    for i, row in enumerate(rows):
        n = len(row)
        with torch.no_grad():
            logits = hf_families.logits_of(reference)(torch.tensor([row]))[0]  # [n, V] float64
        expected_next = logits[:-1].gather(1, torch.tensor(row[1:]).unsqueeze(1)).squeeze(1)
        for name, actual, expected in (("next_token_logit", next_logit[i, :n - 1], expected_next),
                                       ("logsumexp", logsumexp[i, :n], torch.logsumexp(logits, -1))):
            if actual.numel():
                diff = (actual - expected).abs()
                if relative:
                    diff = diff / expected.abs().clamp(min=1.0)
                diffs[name] = max(diffs[name], torch.nan_to_num(diff, nan=float("inf")).max().item())
        top = logits.topk(2, dim=-1).values  # [n, 2]
        clear = (top[:, 0] - top[:, 1]) > tolerance * top[:, 0].abs().clamp(min=1.0)
        mismatches += int(((argmax[i, :n] != logits.argmax(-1)) & clear).sum())
    return diffs, mismatches


def check_family(root: Path, family: str, devices) -> int:
    """Exports ``family`` in every dtype and prints one line per dtype and device; returns the failures."""
    source = root / f"{family}-source"
    tokenizer = hf_families.build_source(source, family)
    rows = [pair["prompt_ids"] + pair["response_ids"] for pair in hf_families.mixed_pairs(tokenizer)]
    failures = 0
    for dtype in hf_families.DTYPES:
        out = root / f"{family}-{dtype}"
        if hf_families.export(source, out, dtype) != 0:
            print(f"{family:<9} {dtype:<9} export failed")
            failures += 1
            continue
        reference = hf_families.float64_model(source, dtype)
        tolerance, _ = hf_families.TOLERANCES[dtype]
        for device in devices:
            artefact = torch.jit.load(str(out / "model.pt"), map_location=device)
            diffs, mismatches = compare(artefact, reference, rows, tokenizer.pad_token_id, device, dtype)
            ok = max(diffs.values()) <= tolerance and mismatches == 0
            failures += not ok
            print(f"{family:<9} {dtype:<9} {device:<6} {diffs['next_token_logit']:>16.2e} {diffs['logsumexp']:>10.2e} "
                  f"{mismatches:>7d} {tolerance:>9.0e}  {'ok' if ok else 'FAIL'}", flush=True)
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", help="write models and artefacts here instead of a temporary folder")
    parser.add_argument("--families", help="comma-separated families (default: all)")
    parser.add_argument("--skip-head", action="store_true", help="skip the head's throughput on CUDA")
    args = parser.parse_args()
    started = time.time()
    cuda = torch.cuda.is_available()
    devices = ["cpu"] + (["cuda"] if cuda else [])
    families = args.families.split(",") if args.families else list(hf_families.FAMILIES) + list(
        hf_families.EXTRA_FAMILIES)
    print(f"torch {torch.__version__}, transformers {transformers.__version__}, devices {devices}")
    header = f"{'family':<9} {'dtype':<9} {'device':<6} {'next_token_logit':>16} {'logsumexp':>10} " \
             f"{'argmax≠':>7} {'tolerance':>9}  result"
    print(header)
    print("-" * len(header))
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(args.keep or tmp)
        for family in families:
            failures += check_family(root, family, devices)
    if cuda and not args.skip_head:
        hf_memory.head_bench(10, [("chunked", hf_memory.HEAD_POSITIONS), ("unchunked", hf_memory.HEAD_POSITIONS)],
                             device="cuda", dtype=torch.bfloat16)
    print(f"{failures} failure(s) in {time.time() - started:.1f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

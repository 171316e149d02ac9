"""Eager PyTorch baseline for the engine benchmark: replays the Java engine's exact batches.

Reads the batches the Java engine ran (unpadded token ids per row, written by
``dev.endoreward.bench.EngineBenchmark --batches-out``), right-pads each with the pad id under a zero
attention mask as the engine does, and times the eager llama2.c model's forward pass to full float32
logits, then the float32 logsumexp over the vocabulary and the gather of each next token's logit. As on
the Java side, a first pass over every batch warms up and is reported apart from the timed second pass.
Prints the figures and optionally writes them as JSON.

    jobs/python.sh src/test/python/bench/eager_forward.py --checkpoint stories260K.bin \\
        --batches batches.json [--threads N] [--result-out FILE]
"""

import argparse
import json
import resource
import sys
import time

import torch

from endoreward_export.artefact import pad_right
from endoreward_export.llama2c import read_llama2c_checkpoint


def padded_batches(replay):
    """(input_ids, attention_mask) int64 [B, T] per batch, right-padded; and the real token count."""
    batches = replay["batches"]
    return ([pad_right(rows, replay["pad_token_id"]) for rows in batches],
            sum(len(row) for rows in batches for row in rows))


def reward_reductions(model, ids, mask):
    """The reward's per-position inputs from full logits: chosen next-token logit and logsumexp, [B, T] each."""
    logits = model(ids, mask).float()  # [B, T, V]
    next_ids = torch.cat([ids[:, 1:], ids[:, :1] * 0], dim=1)  # [B, T]; the last position borrows id 0
    chosen = logits.gather(2, next_ids.unsqueeze(-1)).squeeze(-1)  # [B, T]
    logsumexp = torch.logsumexp(logits, dim=-1)  # [B, T]
    return chosen, logsumexp


def run_pass(model, batches):
    start = time.perf_counter()
    for ids, mask in batches:
        reward_reductions(model, ids, mask)
    return time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", required=True, help="llama2.c model.bin")
    parser.add_argument("--batches", required=True, help="JSON written by EngineBenchmark --batches-out")
    parser.add_argument("--threads", type=int, help="intra-op threads (default: the count the Java run used)")
    parser.add_argument("--result-out", help="write the figures here as JSON")
    args = parser.parse_args(argv)

    with open(args.batches, encoding="utf-8") as f:
        replay = json.load(f)
    threads = args.threads or replay["threads"]
    torch.set_num_threads(threads)
    torch.set_num_interop_threads(1)
    model = read_llama2c_checkpoint(args.checkpoint)
    batches, real_tokens = padded_batches(replay)
    padded_tokens = sum(ids.numel() for ids, _ in batches) - real_tokens

    with torch.inference_mode():
        cold_seconds = run_pass(model, batches)
        seconds = run_pass(model, batches)
    result = {
        "torch_version": torch.__version__,
        "threads": threads,
        "batches": len(batches),
        "tokens": real_tokens,
        "padded_tokens": padded_tokens,
        "cold_seconds": cold_seconds,
        "cold_tokens_per_second": real_tokens / cold_seconds,
        "seconds": seconds,
        "tokens_per_second": real_tokens / seconds,
        # ru_maxrss is in KiB on Linux
        "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
    }
    print(f"Eager PyTorch {torch.__version__} baseline: {len(batches)} batches, {real_tokens:,} tokens"
          f" (+{padded_tokens:,} padded), {threads} intra-op threads")
    print(f"  first (cold) pass {cold_seconds:.2f} s, {real_tokens / cold_seconds:,.0f} tokens/s;"
          f" timed pass {seconds:.2f} s,"
          f" {result['tokens_per_second']:,.0f} tokens/s, peak RSS {result['peak_rss_bytes'] / 2**20:,.1f} MiB")
    if args.result_out:
        with open(args.result_out, "w", encoding="utf-8") as f:
            json.dump(result, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())

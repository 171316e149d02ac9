#!/usr/bin/env python3
"""GPU throughput of the exported reward head against the naive Hugging Face path. NOT YET RUN: no GPU was at
hand when it was written; BENCHMARKS.md says so, and its figures must come from a run of this script.

Needs torch with CUDA, transformers and tokenizers; no network, no Java. For each size (random-weight Qwen2
configs of Qwen2-0.5B's and Qwen2-1.5B's dimensions), it saves the model in bfloat16 with a small tokenizer,
exports it through the exporter's command line (bfloat16, SDPA, the chunked vocabulary reduction), loads the
TorchScript artefact on the GPU and times, at each context length, batches of about --tokens tokens (rows x
context, random ids, every position real):

- the artefact: its forward pass, outputs left on the GPU as the engine's translator then copies only the
  per-token floats;
- the naive path: transformers in bfloat16 with eager attention, the full logits copied to the host as float32,
  the logsumexp and the gather of each next token's logit computed there.

tokens/s counts every position. MFU is tokens/s x the forward FLOPs per token over --peak-tflops: 2 x the
parameters that multiply (every matrix, the output layer included, not the embedding lookup) plus
2 x layers x context x hidden for causal attention (QK^T and AV, half the square each). Targets: at least 50%
MFU, and at least 3x the naive path's tokens/s. Prints a table and writes JSON to --result-out.

    python src/test/python/gpu/throughput.py [--sizes 0.5b,1.5b] [--contexts 2048,8192] [--tokens 16384]
        [--repeats 5] [--peak-tflops F] [--keep DIR] [--result-out FILE]
"""

import argparse
import json
from pathlib import Path
import sys
import tempfile
import time

TESTS = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(TESTS)]

import hf_families  # noqa: E402  (puts the exporter on the path)

import torch  # noqa: E402
import transformers  # noqa: E402

SIZES = {
    "0.5b": dict(hidden_size=896, intermediate_size=4864, num_hidden_layers=24, num_attention_heads=14,
                 num_key_value_heads=2),
    "1.5b": dict(hidden_size=1536, intermediate_size=8960, num_hidden_layers=28, num_attention_heads=12,
                 num_key_value_heads=2),
}
VOCAB_SIZE = 151936
PEAK_BF16_TFLOPS = {"H200": 989.0, "H100": 989.0, "A100": 312.0, "L40S": 362.0, "L4": 121.0}
"""Dense bfloat16 peaks (no sparsity) by a word of the device name, from the vendors' data sheets."""


def save_source(folder: Path, size: str, max_length: int):
    tokenizer = hf_families.build_tokenizer(folder)
    config = transformers.Qwen2Config(**SIZES[size], vocab_size=VOCAB_SIZE, max_position_embeddings=max_length,
                                      tie_word_embeddings=True, bos_token_id=tokenizer.bos_token_id,
                                      eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id)
    torch.manual_seed(0)
    model = transformers.AutoModelForCausalLM.from_config(config).to(torch.bfloat16).eval()
    model.save_pretrained(folder)
    return model


def flops_per_token(model, context: int) -> float:
    config = model.config
    matrices = sum(p.numel() for name, p in model.named_parameters() if p.dim() == 2 and "embed_tokens" not in name)
    if config.tie_word_embeddings:
        matrices += model.get_output_embeddings().weight.numel()  # the tied output layer multiplies too
    return 2.0 * matrices + 2.0 * config.num_hidden_layers * context * config.hidden_size


def timed(run, repeats: int) -> float:
    """Median seconds of run() over repeats, after one untimed run."""
    run()
    torch.cuda.synchronize()
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        torch.cuda.synchronize()
        seconds.append(time.perf_counter() - start)
    return sorted(seconds)[len(seconds) // 2]


def naive(model, ids, mask):
    logits = model(input_ids=ids, attention_mask=mask).logits.float().cpu()  # [B, T, V] on the host
    logsumexp = torch.logsumexp(logits, dim=-1)  # [B, T]
    chosen = logits[:, :-1].gather(-1, ids[:, 1:, None].cpu()).squeeze(-1)  # [B, T-1]
    return chosen, logsumexp


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="0.5b,1.5b")
    parser.add_argument("--contexts", default="2048,8192")
    parser.add_argument("--tokens", type=int, default=16384)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--peak-tflops", type=float)
    parser.add_argument("--keep")
    parser.add_argument("--result-out")
    args = parser.parse_args(argv)
    if not torch.cuda.is_available():
        raise SystemExit("Cannot measure GPU throughput: torch sees no CUDA device")
    name = torch.cuda.get_device_name(0)
    peak = args.peak_tflops or next((v for k, v in PEAK_BF16_TFLOPS.items() if k in name), None)
    if peak is None:
        raise SystemExit(f"Cannot compute MFU: no known bfloat16 peak for {name}; pass --peak-tflops")
    contexts = [int(c) for c in args.contexts.split(",")]
    from endoreward_export import cli

    root = Path(args.keep or tempfile.mkdtemp(prefix="throughput-"))
    results = []
    for size in args.sizes.split(","):
        source, artefact = root / f"qwen2-{size}-source", root / f"qwen2-{size}-bfloat16"
        model = save_source(source, size, max(contexts))
        if cli.main(["--format", "hf", "--model", str(source), "--output", str(artefact), "--dtype", "bfloat16"]) != 0:
            raise SystemExit(f"Cannot export {source}")
        module = torch.jit.load(str(artefact / "model.pt"), map_location="cuda").eval()
        eager = transformers.AutoModelForCausalLM.from_pretrained(source, torch_dtype=torch.bfloat16,
                                                                  attn_implementation="eager").cuda().eval()
        del model
        for context in contexts:
            rows = max(1, args.tokens // context)
            ids = torch.randint(3, 320, (rows, context), device="cuda")  # [B, T], the tokenizer's ids
            mask = torch.ones_like(ids)  # [B, T]
            with torch.inference_mode():
                head_s = timed(lambda: module(ids, mask), args.repeats)
                naive_s = timed(lambda: naive(eager, ids, mask), args.repeats)
            tokens = rows * context
            mfu = tokens / head_s * flops_per_token(eager, context) / (peak * 1e12)
            results.append({"size": size, "context": context, "rows": rows, "tokens": tokens,
                            "artefact_tokens_per_second": tokens / head_s, "naive_tokens_per_second": tokens / naive_s,
                            "speedup": naive_s / head_s, "mfu": mfu, "peak_memory_bytes": torch.cuda.max_memory_allocated()})
            torch.cuda.reset_peak_memory_stats()
        del module, eager
        torch.cuda.empty_cache()
    print(f"GPU throughput: {name}, torch {torch.__version__}, transformers {transformers.__version__},"
          f" peak {peak:.0f} bf16 TFLOP/s")
    print("| size | context | rows | artefact tokens/s | naive tokens/s | artefact / naive | MFU | peak GiB |")
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['size']} | {r['context']:,} | {r['rows']} | {r['artefact_tokens_per_second']:,.0f} |"
              f" {r['naive_tokens_per_second']:,.0f} | {r['speedup']:.2f} | {100 * r['mfu']:.1f}% |"
              f" {r['peak_memory_bytes'] / 2 ** 30:.1f} |")
    met = all(r["mfu"] >= 0.5 and r["speedup"] >= 3 for r in results)
    print(f"Targets (MFU >= 50%, artefact >= 3x naive): {'met' if met else 'MISSED'}")
    if args.result_out:
        Path(args.result_out).write_text(json.dumps({"device": name, "torch": torch.__version__,
                                                     "transformers": transformers.__version__, "peak_tflops": peak,
                                                     "results": results}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

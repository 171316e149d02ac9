#!/usr/bin/env python3
"""CPU time and peak memory of exported Hugging Face reward heads: SDPA against eager attention, and the
chunked vocabulary reduction against one that holds every logit.

    jobs/python.sh src/test/python/bench/hf_memory.py [--out DIR] [--repeats N] [--skip attention|head]

attention: a random Llama (hidden 512, 8 heads, 4 layers, vocabulary 32,000, float32) exported through the
hf front end twice, traced with SDPA and with eager attention; the saved module's forward on batches of 4
rows of T = 512 and T = 2,048 tokens, right-padded (the last row a quarter shorter).

head: the reward head alone on 16,384 token positions of a model of hidden size 896 and a vocabulary of
151,936 (Qwen2's), float32: chunked (the exporter's chunk size) and unchunked (one chunk of every position).
Holding every logit takes 2 x 16,384 x 151,936 float32 (about 20 GB with logsumexp's temporary), more than
this machine can spare, so the unchunked head runs at 2,048 and 4,096 positions and its peak at 16,384 is
extrapolated from those, linearly, which the two measured points check.

Peak memory is the growth of the process's peak resident set during the call, from a reset just before it
(/proc/self/clear_refs), so the weights already loaded do not count; CPU time is user + system of this
process; wall time is the best of the repeats after one warm-up call.
"""

import argparse
import os
from pathlib import Path
import re
import resource
import sys
import time

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import hf_families  # noqa: E402  (sets up the exporter's path)

import torch  # noqa: E402
import transformers  # noqa: E402

from endoreward_export import hf  # noqa: E402
from endoreward_export.artefact import pad_right, write_artefact  # noqa: E402
from endoreward_export.reward_head import RewardHead, positions_per_chunk  # noqa: E402

MIB = 2 ** 20
ATTENTION_LENGTHS = (512, 2048)
ATTENTION_ROWS = 4
HEAD_VOCAB, HEAD_HIDDEN, HEAD_POSITIONS = 151_936, 896, 16_384
UNCHUNKED_MEASURED = (2_048, 4_096)


def peak_rss_bytes() -> int:
    return int(re.search(r"VmHWM:\s+(\d+) kB", Path("/proc/self/status").read_text()).group(1)) * 1024


def rss_bytes() -> int:
    return int(re.search(r"VmRSS:\s+(\d+) kB", Path("/proc/self/status").read_text()).group(1)) * 1024


def measure(call, repeats: int, device: str = "cpu") -> dict:
    """Runs ``call`` once to warm up, then ``repeats`` times: the best wall and CPU time, and the peak memory
    growth over the timed calls (resident set on the CPU, allocated device memory on CUDA)."""
    cuda = device.startswith("cuda")
    with torch.no_grad():
        call()
        if cuda:
            torch.cuda.synchronize()
            torch.cuda.reset_peak_memory_stats()
            before = torch.cuda.memory_allocated()
        else:
            Path("/proc/self/clear_refs").write_text("5")  # resets VmHWM to the current resident set
            before = rss_bytes()
        walls, cpus = [], []
        for _ in range(repeats):
            usage = resource.getrusage(resource.RUSAGE_SELF)
            start = time.perf_counter()
            call()
            if cuda:
                torch.cuda.synchronize()
            walls.append(time.perf_counter() - start)
            after = resource.getrusage(resource.RUSAGE_SELF)
            cpus.append(after.ru_utime - usage.ru_utime + after.ru_stime - usage.ru_stime)
        peak = torch.cuda.max_memory_allocated() if cuda else peak_rss_bytes()
        return {"wall_s": min(walls), "cpu_s": min(cpus), "peak_mib": (peak - before) / MIB}


def attention_bench(out: Path, repeats: int) -> list:
    tokenizer = hf_families.build_tokenizer(out / "tokenizer")
    config = transformers.LlamaConfig(**{**hf_families.common_ids(tokenizer), "vocab_size": 32_000},
                                      hidden_size=512, intermediate_size=1376, num_hidden_layers=4,
                                      num_attention_heads=8, num_key_value_heads=8,
                                      max_position_embeddings=max(ATTENTION_LENGTHS))
    torch.manual_seed(0)
    model = transformers.AutoModelForCausalLM.from_config(config, attn_implementation="eager").eval()
    results = []
    for attention in ("sdpa", "eager"):
        folder = out / f"llama-{attention}"
        write_artefact(hf.language_model(model, attention=attention), folder, {}, {},
                       {"format": "hf", "model": "bench", "attention": attention}, config.vocab_size,
                       config.max_position_embeddings, tokenizer.bos_token_id, tokenizer.eos_token_id,
                       tokenizer.pad_token_id)
        module = torch.jit.load(str(folder / "model.pt"))
        for length in ATTENTION_LENGTHS:
            generator = torch.Generator().manual_seed(length)
            rows = [torch.randint(3, config.vocab_size, (length if i < ATTENTION_ROWS - 1 else length * 3 // 4,),
                                  generator=generator).tolist() for i in range(ATTENTION_ROWS)]
            batch = pad_right(rows, tokenizer.pad_token_id)
            figures = measure(lambda: module(*batch), repeats)
            figures.update(attention=attention, length=length, tokens=sum(len(row) for row in rows))
            results.append(figures)
            print(f"attention {attention:5s} T={length:5d}: wall {figures['wall_s']:.2f} s, "
                  f"CPU {figures['cpu_s']:.2f} s, peak +{figures['peak_mib']:.0f} MiB", flush=True)
    return results


class Hidden(torch.nn.Module):
    """Stands in for a body: the hidden states are the embeddings of the ids, so the head's cost is all there is."""

    def __init__(self, embedding: torch.nn.Embedding):
        super().__init__()
        self.embedding = embedding

    def forward(self, input_ids, attention_mask):
        return self.embedding(input_ids)  # [B, T, D]


def head_bench(repeats: int, cases, device: str = "cpu", dtype: torch.dtype = torch.float32) -> list:
    """The reward head alone at a vocabulary of 151,936, for each (``"chunked"`` or ``"unchunked"``, positions)
    of ``cases``; prints and returns the figures."""
    torch.manual_seed(0)
    embedding = torch.nn.Embedding(HEAD_VOCAB, HEAD_HIDDEN).to(device=device, dtype=dtype)
    with torch.no_grad():
        embedding.weight.normal_(0.0, 0.05)
    body = Hidden(embedding).eval()
    results = []
    for kind, positions in cases:
        chunk = positions_per_chunk(HEAD_VOCAB) if kind == "chunked" else positions
        ids = torch.randint(0, HEAD_VOCAB, (positions // 1024, 1024), device=device)  # [B, T]
        mask = torch.ones_like(ids)
        traced = torch.jit.trace(body, (ids[:1, :4], mask[:1, :4]))
        head = torch.jit.script(RewardHead(traced, embedding.weight, chunk_positions=chunk))
        figures = measure(lambda: head(ids, mask), repeats, device)
        figures.update(kind=kind, positions=positions, chunk_positions=chunk,
                       tokens_per_s=positions / figures["wall_s"])
        results.append(figures)
        print(f"head {device} {str(dtype).split('.')[-1]} {kind:9s} {positions:6d} positions (chunks of {chunk}): "
              f"wall {figures['wall_s']:.3f} s, CPU {figures['cpu_s']:.2f} s, {figures['tokens_per_s']:.0f} tokens/s, "
              f"peak +{figures['peak_mib']:.0f} MiB", flush=True)
    return results


def cpu_head_bench(repeats: int) -> None:
    """Chunked at 16,384 positions; both at the sizes the unchunked head fits here, and its extrapolated peak."""
    results = head_bench(repeats, [("chunked", HEAD_POSITIONS)] + [(kind, n) for n in UNCHUNKED_MEASURED
                                                                   for kind in ("unchunked", "chunked")])
    small, large = (next(r for r in results if r["kind"] == "unchunked" and r["positions"] == n)
                    for n in UNCHUNKED_MEASURED)
    slope = (large["peak_mib"] - small["peak_mib"]) / (large["positions"] - small["positions"])
    extrapolated = large["peak_mib"] + slope * (HEAD_POSITIONS - large["positions"])
    print(f"head unchunked {HEAD_POSITIONS} positions, extrapolated: peak +{extrapolated:.0f} MiB "
          f"({slope * MIB / HEAD_VOCAB:.1f} bytes per logit; 8 would be one float32 logit and its temporary)")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="target/bench/hf", help="folder for the exported benchmark models")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--skip", choices=("attention", "head"))
    args = parser.parse_args(argv)
    print(f"torch {torch.__version__}, transformers {transformers.__version__}, {torch.get_num_threads()} threads, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}", flush=True)
    if args.skip != "attention":
        attention_bench(Path(args.out), args.repeats)
    if args.skip != "head":
        cpu_head_bench(args.repeats)
    return 0


if __name__ == "__main__":
    sys.exit(main())

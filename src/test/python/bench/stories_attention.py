"""What attention costs the stories260K anchors: the converted Hugging Face Llama with SDPA and with eager
attention, and the exporter's llama2c model (which the artefact is traced from), on the engine's batches.

Each runs every batch once, then 3 more passes whose median is reported, with the given threads; the two
Hugging Face runs compute the script's log-probabilities, the llama2c model its logits and a log-softmax.

    jobs/python.sh src/test/python/bench/stories_attention.py --checkpoint stories260K.bin \\
        --batches <build>/bench/anchors/batches-stories.json [--threads N]
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
import anchors  # noqa: E402  (src/test/python/bench)


def tokens_per_second(run, batches, pad, tokens):
    seconds = []
    for _ in range(4):
        start = time.perf_counter()
        for rows in batches:
            ids, mask = anchors.padded(rows, pad)
            with torch.inference_mode():
                run(ids, mask)
        seconds.append(time.perf_counter() - start)
    return tokens / statistics.median(seconds[1:])


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", required=True)
    parser.add_argument("--batches", required=True)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    with open(args.batches, encoding="utf-8") as f:
        replay = json.load(f)
    batches, pad = replay["batches"], replay["pad_token_id"]
    tokens = sum(len(row) for rows in batches for row in rows)
    model, source = anchors.hf_from_llama2c(args.checkpoint)
    for attention in ("sdpa", "eager"):
        model.config._attn_implementation = attention
        print(f"Hugging Face Llama, {attention} attention: "
              f"{tokens_per_second(lambda i, m: anchors.hf_logprobs(model, i, m), batches, pad, tokens):,.0f} tokens/s")
    print(f"the exporter's llama2c model, logits and log-softmax: "
          f"{tokens_per_second(lambda i, m: torch.log_softmax(source(i, m).float(), -1), batches, pad, tokens):,.0f}"
          f" tokens/s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

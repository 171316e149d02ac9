"""What attention costs the stories260K anchors: the converted Hugging Face Llama with SDPA and with eager
attention, and the exporter's llama2c model (which the artefact is traced from), on the engine's batches.

Each runs every batch once, then 3 more passes whose median is reported, with the given threads; the two
Hugging Face runs compute the script's log-probabilities, the llama2c model its logits and a log-softmax.

    PYTHONPATH=src/main/python jobs/python.sh src/test/python/bench/stories_attention.py --checkpoint stories260K.bin \\
        --batches <build>/bench/anchors/batches-stories.json [--threads N]
"""

import argparse
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
import anchors  # noqa: E402  (src/test/python/bench)


def tokens_per_second(run, batches, pad, tokens):
    def run_batch(rows):
        with torch.inference_mode():
            run(*anchors.pad_right(rows, pad))

    _, seconds, _ = anchors.timed_passes(run_batch, batches, 3)
    return tokens / seconds


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", required=True)
    parser.add_argument("--batches", required=True)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)
    anchors.use_threads(args.threads)
    batches, pad, tokens = anchors.read_replay(args.batches)
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

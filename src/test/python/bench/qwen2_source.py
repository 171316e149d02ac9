"""Saves a random-weight Qwen2 model with a small byte-level tokenizer, as a user's model folder is.

    jobs/python.sh src/test/python/bench/qwen2_source.py --size small|0.5b --output DIR

small: hidden 256, 4 layers, 4 query and 2 key/value heads, a 32,000-token vocabulary (about 12M parameters).
0.5b: the sizes of Qwen2-0.5B (hidden 896, 24 layers, 14 and 2 heads, 151,936 tokens; about 494M parameters).
Both take 512 positions, the benchmark's length.max. Nothing is downloaded.
"""

import argparse
import sys
from pathlib import Path

import torch
import transformers

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import hf_families  # noqa: E402  (src/test/python)

SIZES = {
    "small": dict(hidden_size=256, intermediate_size=768, num_hidden_layers=4, num_attention_heads=4,
                  num_key_value_heads=2, vocab_size=32000),
    "0.5b": dict(hidden_size=896, intermediate_size=4864, num_hidden_layers=24, num_attention_heads=14,
                 num_key_value_heads=2, vocab_size=151936),
}


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), required=True)
    parser.add_argument("--output", required=True)
    args = parser.parse_args(argv)
    output = Path(args.output)
    tokenizer = hf_families.build_tokenizer(output)
    config = transformers.Qwen2Config(**SIZES[args.size], max_position_embeddings=512, tie_word_embeddings=True,
                                      bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id,
                                      pad_token_id=tokenizer.pad_token_id)
    torch.manual_seed(0)
    transformers.AutoModelForCausalLM.from_config(config).eval().save_pretrained(output)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

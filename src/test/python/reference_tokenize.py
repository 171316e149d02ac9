"""Encodes texts with the llama2.c reference tokenizer: the expected ids for tests of a converted tokenizer.

Usage: reference_tokenize.py --tokenizer <tokenizer.bin> --input texts.json --output ids.json
texts.json is a JSON array of strings; ids.json receives one id array (BOS included) per string.
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from llama2c_reference import Llama2cTokenizer  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokenizer", required=True, help="llama2.c tokenizer.bin")
    parser.add_argument("--input", required=True, help="JSON array of strings")
    parser.add_argument("--output", required=True, help="where to write the JSON array of id arrays")
    args = parser.parse_args(argv)
    tokenizer = Llama2cTokenizer(args.tokenizer)
    with open(args.input, encoding="utf-8") as f:
        texts = json.load(f)
    if not isinstance(texts, list) or not all(isinstance(text, str) for text in texts):
        parser.error(f"{args.input} is not a JSON array of strings")
    with open(args.output, "w", encoding="utf-8") as f:
        json.dump([tokenizer.encode(text) for text in texts], f)
    return 0


if __name__ == "__main__":
    sys.exit(main())

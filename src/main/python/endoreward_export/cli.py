"""Command line of the exporter: parses and validates arguments, then calls one front end.

    python -m endoreward_export --format llama2c --checkpoint model.bin --tokenizer tok.bin --output DIR
    python -m endoreward_export --format hf --model DIR_OR_HUB_ID --output DIR [--dtype float32|bfloat16|float16]

Errors print "Cannot export model: <why>" and exit with status 1 (2 for unusable arguments).
"""

import argparse
import json
import sys
from typing import List, Optional

from endoreward_export.errors import ExportError

FORMATS = ("llama2c", "hf")
DTYPES = ("float32", "bfloat16", "float16")
REQUIRED_OPTIONS = {"llama2c": ("checkpoint", "tokenizer"), "hf": ("model",)}
OPTIONAL_OPTIONS = {"llama2c": (), "hf": ("dtype",)}


class _Parser(argparse.ArgumentParser):
    """argparse with the exporter's error wording."""

    def error(self, message: str):
        self.exit(2, f"Cannot export model: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="export-model", description="Exports a causal language model as an endoreward artefact.")
    parser.add_argument("--format", required=True, choices=FORMATS, help="the source model's format")
    parser.add_argument("--output", required=True, help="artefact folder to write")
    parser.add_argument("--checkpoint", help="llama2c: the legacy model.bin checkpoint")
    parser.add_argument("--tokenizer", help="llama2c: the tokenizer.bin")
    parser.add_argument("--model", help="hf: a model folder or Hugging Face hub id")
    parser.add_argument("--dtype", choices=DTYPES, help="hf: the dtype to load and trace the model in "
                                                        "(default float32)")
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    _check_options(parser, args)
    try:
        manifest = _run(args)
    except ExportError as e:
        print(str(e), file=sys.stderr)
        return 1
    print(json.dumps(manifest, indent=2))
    return 0


def _check_options(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    for option in REQUIRED_OPTIONS[args.format]:
        if getattr(args, option) is None:
            parser.error(f"--{option} is required with --format {args.format}")
    applicable = REQUIRED_OPTIONS[args.format] + OPTIONAL_OPTIONS[args.format]
    for options in list(REQUIRED_OPTIONS.values()) + list(OPTIONAL_OPTIONS.values()):
        for option in options:
            if option not in applicable and getattr(args, option) is not None:
                parser.error(f"--{option} does not apply to --format {args.format}")


def _run(args: argparse.Namespace) -> dict:
    if args.format == "llama2c":
        from endoreward_export.llama2c import export_llama2c
        return export_llama2c(args.checkpoint, args.tokenizer, args.output)
    from endoreward_export.hf import export_hf
    return export_hf(args.model, args.output, dtype=args.dtype or "float32")

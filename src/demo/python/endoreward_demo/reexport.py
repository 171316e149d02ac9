"""Exports the trained demo model again, from the weights inside its TorchScript archive, without training.

    python -m endoreward_demo.reexport --model src/demo/model [--output DIR]

The archive's parameters are loaded into the demo's eager Llama (the shape comes from the manifest's
``source.training``) and written with the current exporter and torch, the manifest's source kept:
for a new exporter format or a new runtime torch, this gives the same model as ``jobs/train-demo-model.sh``
gave, in minutes less than a retraining.
"""

import argparse
import json
from pathlib import Path

import torch

from endoreward_demo import tokenizer as demo_tokenizer
from endoreward_demo import train
from endoreward_export.llama import Llama

PREFIX = "body.model."
"""Where the reward head keeps the language model's parameters."""


def load_trained(model_dir):
    """The eager Llama with the weights of ``model_dir``'s ``model.pt``, and the training config and example
    count its manifest records."""
    model_dir = Path(model_dir)
    manifest = json.loads((model_dir / "manifest.json").read_text(encoding="utf-8"))
    training = dict(manifest["source"]["training"])
    examples = training.pop("examples")
    config = train.TrainingConfig(**training)
    tokenizer = demo_tokenizer.DemoTokenizer()
    model = Llama(config.model_config(tokenizer.vocab_size)).eval()
    archived = torch.jit.load(str(model_dir / "model.pt"), map_location="cpu").state_dict()
    state = {name[len(PREFIX):]: value for name, value in archived.items() if name.startswith(PREFIX)}
    expected = model.state_dict(keep_vars=False)
    buffers = {name for name, _ in model.named_buffers()}
    missing = sorted(set(expected) - set(state) - buffers
                     - ({"output.weight"} if model.config.tied_embeddings else set()))
    unexpected = sorted(set(state) - set(expected) - buffers)
    if missing or unexpected:
        raise ValueError(f"Cannot re-export {model_dir}: model.pt lacks {missing} and has unexpected {unexpected}")
    with torch.no_grad():
        for name, value in model.named_parameters():
            if name in state:
                value.copy_(state[name])
        # the RoPE tables as traced, so the numbers stay those the figures were measured with
        for name, value in model.named_buffers():
            if name in state:
                value.copy_(state[name])
    return model, config, tokenizer, examples


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True, help="the exported demo model to read")
    parser.add_argument("--output", help="artefact directory to write (default: --model itself)")
    args = parser.parse_args(argv)
    model, config, tokenizer, examples = load_trained(args.model)
    output = args.output or args.model
    manifest = train.export(model, config, output, tokenizer, examples)
    print("exported to %s: %s" % (output, sorted(manifest["files"])))


if __name__ == "__main__":
    main()

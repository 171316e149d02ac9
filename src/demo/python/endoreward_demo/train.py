"""Trains the demo model by next-token prediction on the expert answers, then exports it.

The loss covers the response tokens only (``37 + 48 = 85`` and the closing ``<|end|>``): the
questions are random numbers, so predicting them would only add noise. This is the paper's
setting in miniature, imitation of expert data, whose logits the scorer reads as soft Q-values.

Usage: ``python -m endoreward_demo.train --data train.jsonl --output src/demo/model``
"""

import argparse
import contextlib
import dataclasses
import math
import random
import time
import types

import torch
import torch.nn.functional as F

from endoreward_demo import chat, generate
from endoreward_demo import tokenizer as demo_tokenizer
from endoreward_export.artefact import write_artefact
from endoreward_export.llama import Llama, LlamaConfig, language_model

IGNORE = -100


@dataclasses.dataclass(frozen=True)
class TrainingConfig:
    """Model shape and optimiser settings of the demo model."""

    dim: int = 64
    hidden_dim: int = 192
    n_layers: int = 3
    n_heads: int = 4
    n_kv_heads: int = 2
    max_seq_len: int = demo_tokenizer.MODEL_MAX_LENGTH
    steps: int = 6000
    batch_size: int = 32
    learning_rate: float = 3e-3
    min_learning_rate: float = 3e-4
    warmup_steps: int = 100
    weight_decay: float = 0.1
    seed: int = 7

    def model_config(self, vocab_size):
        return LlamaConfig(dim=self.dim, hidden_dim=self.hidden_dim, n_layers=self.n_layers,
                           n_heads=self.n_heads, n_kv_heads=self.n_kv_heads,
                           vocab_size=vocab_size, max_seq_len=self.max_seq_len)


def encode_examples(tokenizer, examples):
    """Each example as ``(ids, prompt_length)``: the full rendered chat and where the answer starts."""
    encoded = []
    for example in examples:
        prompt_ids, response_ids = chat.encode_pair(
            tokenizer, example["question"], example["response"], example["system"])
        encoded.append((prompt_ids + response_ids, len(prompt_ids)))
    return encoded


def make_batch(encoded, pad_id):
    """Right-padded ``input_ids`` [B, T] and ``targets`` [B, T]: the next token where it is a response token."""
    length = max(len(ids) for ids, _ in encoded)
    input_ids = torch.full((len(encoded), length), pad_id, dtype=torch.long)  # [B, T]
    targets = torch.full((len(encoded), length), IGNORE, dtype=torch.long)  # [B, T]
    for row, (ids, prompt_length) in enumerate(encoded):
        input_ids[row, :len(ids)] = torch.tensor(ids)
        # Position t predicts token t + 1; the first response token is predicted at prompt_length - 1.
        targets[row, prompt_length - 1:len(ids) - 1] = torch.tensor(ids[prompt_length:])
    return input_ids, targets


def learning_rate(config, step):
    """Linear warm-up, then cosine decay to the minimum."""
    if step < config.warmup_steps:
        return config.learning_rate * (step + 1) / config.warmup_steps
    progress = (step - config.warmup_steps) / max(1, config.steps - config.warmup_steps)
    cosine = 0.5 * (1 + math.cos(math.pi * progress))
    return config.min_learning_rate + (config.learning_rate - config.min_learning_rate) * cosine


def initialise(model, n_layers):
    """llama2.c's initialisation: N(0, 0.02), scaled down on the projections into the residual stream.

    torch's defaults (N(0, 1) embeddings, tied to the output) start with logits far too large.
    """
    for name, parameter in model.named_parameters():
        if parameter.dim() < 2:
            continue
        std = 0.02 / math.sqrt(2 * n_layers) if name.endswith(("wo.weight", "w3.weight")) else 0.02
        torch.nn.init.normal_(parameter, mean=0.0, std=std)


def batches(encoded, batch_size, rng):
    """Endless full batches of similar lengths, so that little of each batch is padding.

    Each epoch is shuffled, sorted by length within windows of 32 batches, cut into batches,
    and the batches of a window are shuffled again.
    """
    window = batch_size * 32
    while True:
        order = list(range(len(encoded)))
        rng.shuffle(order)
        for start in range(0, len(order), window):
            chunk = sorted(order[start:start + window], key=lambda index: len(encoded[index][0]))
            group = [chunk[i:i + batch_size] for i in range(0, len(chunk) - batch_size + 1, batch_size)]
            rng.shuffle(group)
            for indices in group:
                yield [encoded[index] for index in indices]


@contextlib.contextmanager
def linear_layers_as_convolutions(model):
    """Computes every ``nn.Linear`` of ``model`` as a 1x1 convolution: same weights, same maths.

    Debian's torch multiplies matrices with the reference BLAS (about 5 GFLOPS on two cores);
    its oneDNN convolution is more than ten times faster here, which keeps CPU training to
    minutes. The layers are restored on exit, so the exporter traces plain ``nn.Linear``.
    """
    linears = [module for module in model.modules() if isinstance(module, torch.nn.Linear)]
    for linear in linears:
        linear.forward = types.MethodType(_linear_by_convolution, linear)
    try:
        yield model
    finally:
        for linear in linears:
            del linear.forward


def _linear_by_convolution(linear, x):
    # x: [..., in] -> [..., out]. Rows go in the batch dimension: torch picks oneDNN for a
    # batch of 16 or more at any thread count, and its slow path otherwise.
    rows = x.reshape(-1, x.shape[-1], 1)  # [N, in, 1]
    out = F.conv1d(rows, linear.weight.unsqueeze(-1), linear.bias)  # [N, out, 1]
    return out.reshape(*x.shape[:-1], out.shape[1])


def train(config, encoded, pad_id, vocab_size, log=print):
    """A Llama trained on ``encoded`` examples for ``config.steps`` steps, deterministically."""
    torch.manual_seed(config.seed)
    model = Llama(config.model_config(vocab_size))
    initialise(model, config.n_layers)
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    optimiser = torch.optim.AdamW(
        [{"params": decay, "weight_decay": config.weight_decay},
         {"params": no_decay, "weight_decay": 0.0}],
        lr=config.learning_rate, betas=(0.9, 0.98))
    stream = batches(encoded, config.batch_size, random.Random(config.seed))
    started = time.time()
    model.train()
    with linear_layers_as_convolutions(model):
        for step in range(config.steps):
            input_ids, targets = make_batch(next(stream), pad_id)
            for group in optimiser.param_groups:
                group["lr"] = learning_rate(config, step)
            logits = model(input_ids)  # [B, T, V]
            loss = F.cross_entropy(logits.reshape(-1, vocab_size), targets.reshape(-1),
                                   ignore_index=IGNORE)
            optimiser.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimiser.step()
            if step % 100 == 0 or step == config.steps - 1:
                scored = targets != IGNORE
                accuracy = (logits.argmax(-1)[scored] == targets[scored]).float().mean().item()
                log("step %5d  loss %.4f  response-token accuracy %.3f  lr %.2e  %.0fs"
                    % (step, loss.item(), accuracy, learning_rate(config, step), time.time() - started))
    model.eval()
    return model


def export(model, config, output_dir, tokenizer, training_examples):
    """Writes the artefact (TorchScript, tokenizer files, manifest) with the project's exporter."""
    prompt_ids, response_ids = chat.encode_pair(tokenizer, "What is 12 + 30?", "12 + 30 = 42")
    source = {
        "format": "endoreward-demo",
        "name": "endoreward-demo-arithmetic",
        "description": "Demo causal LM trained on correct answers to arithmetic questions",
        "training": dict(dataclasses.asdict(config), examples=training_examples),
    }
    return write_artefact(
        language_model(model), output_dir,
        tokenizer_json=demo_tokenizer.tokenizer_json(),
        tokenizer_config=demo_tokenizer.tokenizer_config(),
        source=source,
        vocab_size=tokenizer.vocab_size,
        max_length=config.max_seq_len,
        bos_token_id=tokenizer.bos_id,
        eos_token_id=tokenizer.eos_id,
        pad_token_id=tokenizer.eos_id,
        dtype="float32",
        sample_input_ids=[prompt_ids + response_ids])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="training examples written by generate")
    parser.add_argument("--output", required=True, help="artefact directory to write")
    parser.add_argument("--steps", type=int, default=TrainingConfig.steps)
    # One thread: the layers are too small to gain from a second one, and lose much when the
    # machine is busy with other work.
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    config = TrainingConfig(steps=args.steps)
    tokenizer = demo_tokenizer.DemoTokenizer()
    examples = generate.read_examples(args.data)
    encoded = encode_examples(tokenizer, examples)
    model = train(config, encoded, tokenizer.eos_id, tokenizer.vocab_size,
                  log=lambda line: print(line, flush=True))
    manifest = export(model, config, args.output, tokenizer, len(examples))
    print("exported to %s: %s" % (args.output, sorted(manifest.get("files", manifest))))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Checks the Hugging Face front end on real transformers architectures with random weights.

Needs torch, transformers and tokenizers, no network. For each of Llama, Qwen2, Qwen3, Gemma 3 and
GPT-2 (and a bfloat16 Llama) it builds a small random model and a small tokenizer, saves them with
``save_pretrained``, exports them through the exporter's command line, and compares the
artefact's outputs, on the CPU and on CUDA when present, with the eager model's full logits
(logsumexp in float64), each sequence run alone without padding, while the artefact sees
right-padded batches. Prints a table; exits 1 when a difference exceeds its tolerance. The CPU part
also runs with the Python tests (test_hf_export.py).

    jobs/python.sh src/test/python/gpu/check_hf_export.py [--keep DIR]
"""

import argparse
import contextlib
import hashlib
import io
import json
from pathlib import Path
import sys
import tempfile
import time

REPO_ROOT = Path(__file__).resolve().parents[4]
sys.path.insert(0, str(REPO_ROOT / "src" / "main" / "python"))

import torch  # noqa: E402
import transformers  # noqa: E402
from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers  # noqa: E402

from endoreward_export import cli  # noqa: E402

FLOAT32_TOLERANCE = 1e-4
"""Bound on max |artefact - reference| for float32 models."""
BFLOAT16_TOLERANCE = 3e-2
"""Bound on max |artefact - reference| / max(1, |reference|) for bfloat16 models, about 4 units in the last
place: the eager reference builds its attention mask another way, which may round differently."""

VOCAB_SIZE = 320
"""Size the tokenizer is trained to."""
MAX_LENGTH = 128
CORPUS = [
    "Once upon a time there was a little robot who loved to read.",
    "The quick brown fox jumps over the lazy dog.",
    "Reward models score responses; language models predict tokens.",
    "Ünïcödé text, numbers 12345 and punctuation!?",
] * 20
CHAT_TEMPLATE = ("{% for message in messages %}<s>{{ message['role'] }}: {{ message['content'] }}</s>"
                 "{% endfor %}{% if add_generation_prompt %}<s>assistant: {% endif %}")


def build_tokenizer(folder: Path, add_bos: bool, chat_template: bool) -> transformers.PreTrainedTokenizerFast:
    """A byte-level BPE trained on a few sentences, with <s>, </s> and <pad>, saved into ``folder``."""
    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=VOCAB_SIZE, special_tokens=["<s>", "</s>", "<pad>"],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tokenizer.train_from_iterator(CORPUS, trainer)
    if add_bos:
        tokenizer.post_processor = processors.TemplateProcessing(
            single="<s> $A", pair="<s> $A <s> $B", special_tokens=[("<s>", tokenizer.token_to_id("<s>"))])
    fast = transformers.PreTrainedTokenizerFast(tokenizer_object=tokenizer, bos_token="<s>", eos_token="</s>",
                                                pad_token="<pad>")
    if chat_template:
        fast.chat_template = CHAT_TEMPLATE
    fast.save_pretrained(folder)
    return fast


def build_model(kind: str, tokenizer) -> torch.nn.Module:
    """A two-layer random model of the given architecture, weights scaled up so logits spread out."""
    ids = dict(bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id,
               pad_token_id=tokenizer.pad_token_id)
    vocab_size = len(tokenizer)
    if kind == "llama":
        config = transformers.LlamaConfig(vocab_size=vocab_size, hidden_size=64, intermediate_size=128,
                                          num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
                                          max_position_embeddings=MAX_LENGTH, tie_word_embeddings=False, **ids)
        model = transformers.LlamaForCausalLM(config)
    elif kind == "qwen2":
        config = transformers.Qwen2Config(vocab_size=vocab_size, hidden_size=64, intermediate_size=128,
                                          num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
                                          max_position_embeddings=MAX_LENGTH, tie_word_embeddings=True, **ids)
        model = transformers.Qwen2ForCausalLM(config)
    elif kind == "qwen3":
        config = transformers.Qwen3Config(vocab_size=vocab_size, hidden_size=64, intermediate_size=128,
                                          num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
                                          head_dim=16, max_position_embeddings=MAX_LENGTH, tie_word_embeddings=True,
                                          **ids)
        model = transformers.Qwen3ForCausalLM(config)
    elif kind == "gemma3":
        # the sliding window spans every test sequence: the exporter's one causal mask has no window
        config = transformers.Gemma3TextConfig(vocab_size=vocab_size, hidden_size=64, intermediate_size=128,
                                               num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2,
                                               head_dim=16, max_position_embeddings=MAX_LENGTH,
                                               sliding_window=MAX_LENGTH,
                                               layer_types=["sliding_attention", "full_attention"], **ids)
        model = transformers.Gemma3ForCausalLM(config)
    elif kind == "gpt2":
        config = transformers.GPT2Config(vocab_size=vocab_size, n_positions=MAX_LENGTH, n_embd=64, n_layer=2,
                                         n_head=4, **ids)
        model = transformers.GPT2LMHeadModel(config)
    else:
        raise ValueError(kind)
    torch.manual_seed(0)
    with torch.no_grad():
        for parameter in model.parameters():
            if parameter.dim() >= 2:
                parameter.normal_(0.0, 0.2)
    return model.eval()


def random_rows(generator: torch.Generator, bos_token_id: int, vocab_size: int, count: int, max_tokens: int):
    lengths = torch.randint(1, max_tokens + 1, (count,), generator=generator).tolist()
    return [[bos_token_id] + torch.randint(0, vocab_size, (n - 1,), generator=generator).tolist() for n in lengths]


def pad_right(rows, pad_token_id: int, device):
    length = max(len(row) for row in rows)
    input_ids = torch.full((len(rows), length), pad_token_id, dtype=torch.int64)
    attention_mask = torch.zeros((len(rows), length), dtype=torch.int64)
    for i, row in enumerate(rows):
        input_ids[i, :len(row)] = torch.tensor(row)
        attention_mask[i, :len(row)] = 1
    return input_ids.to(device), attention_mask.to(device)


def reference(model: torch.nn.Module, row, device):
    """Eager full logits of one unpadded row: next-token logit, logsumexp (float64) and argmax per position."""
    with torch.no_grad():
        logits = model(input_ids=torch.tensor([row], device=device)).logits[0].double()  # [T, V]
    ids = torch.tensor(row, device=device)
    next_logit = logits[:-1].gather(1, ids[1:].unsqueeze(1)).squeeze(1)  # [T - 1]
    return next_logit.cpu(), torch.logsumexp(logits, -1).cpu(), logits.max(-1).values.cpu(), logits.argmax(-1).cpu()


def compare(artefact, model, rows, pad_token_id, device, relative: bool):
    """Max differences (absolute, or relative to max(1, |reference|)) of the artefact's outputs against the
    eager reference, and the number of argmax mismatches."""
    input_ids, attention_mask = pad_right(rows, pad_token_id, device)
    with torch.no_grad():
        next_logit, logsumexp, max_logit, argmax = (t.cpu() for t in artefact(input_ids, attention_mask))
    if not torch.equal(next_logit[:, -1], torch.zeros_like(next_logit[:, -1])):
        raise AssertionError("next_token_logit at the last position is not 0")
    diffs = {"next_token_logit": 0.0, "logsumexp": 0.0, "max_logit": 0.0}
    mismatches = 0
    for i, row in enumerate(rows):
        n = len(row)
        ref_next, ref_lse, ref_max, ref_argmax = reference(model, row, device)
        pairs = (("next_token_logit", next_logit[i, :n - 1], ref_next), ("logsumexp", logsumexp[i, :n], ref_lse),
                 ("max_logit", max_logit[i, :n], ref_max))
        for name, actual, expected in pairs:
            if actual.numel():
                diff = (actual.double() - expected).abs()
                if relative:
                    diff = diff / expected.abs().clamp(min=1.0)
                diff = diff.max().item()
                diffs[name] = max(diffs[name], diff if diff == diff else float("inf"))
        mismatches += int((argmax[i, :n] != ref_argmax).sum())
    return diffs, mismatches


def check_manifest(out: Path, expect_chat_template: bool) -> None:
    manifest = json.loads((out / "manifest.json").read_text())
    for name, digest in manifest["files"].items():
        if hashlib.sha256((out / name).read_bytes()).hexdigest() != digest:
            raise AssertionError(f"sha256 of {name} does not match the manifest")
    config = json.loads((out / "tokenizer_config.json").read_text())
    if ("chat_template" in config) != expect_chat_template:
        raise AssertionError(f"tokenizer_config.json chat_template presence is not {expect_chat_template}")


def check_tokenizer_file(out: Path, source_tokenizer) -> None:
    exported = Tokenizer.from_file(str(out / "tokenizer.json"))
    for text in CORPUS[:4]:
        if exported.encode(text).ids != source_tokenizer(text)["input_ids"]:
            raise AssertionError(f"exported tokenizer.json encodes {text!r} differently")


CASES = [("llama", "float32", True, False), ("qwen2", "float32", False, True), ("qwen3", "float32", True, False),
         ("gemma3", "float32", True, True), ("gpt2", "float32", False, False), ("llama", "bfloat16", True, False)]
"""(architecture, dtype, tokenizer adds BOS, tokenizer has a chat template)."""


def check_case(root: Path, kind: str, dtype: str, add_bos: bool, chat_template: bool, devices):
    """Builds, saves and exports one case under ``root``; returns one result per device:
    (device, max differences by output, argmax mismatches, tolerance, ok), or None when the export failed."""
    name = f"{kind}-{dtype}"
    source, out = root / f"{name}-source", root / f"{name}-artefact"
    tokenizer = build_tokenizer(source, add_bos, chat_template)
    build_model(kind, tokenizer).save_pretrained(source)
    with contextlib.redirect_stdout(io.StringIO()):  # the command prints the manifest
        status = cli.main(["--format", "hf", "--model", str(source), "--output", str(out), "--dtype", dtype])
    if status != 0:
        return None
    check_manifest(out, chat_template)
    check_tokenizer_file(out, tokenizer)
    model = transformers.AutoModelForCausalLM.from_pretrained(
        source, dtype=getattr(torch, dtype), attn_implementation="eager").eval()
    tolerance = FLOAT32_TOLERANCE if dtype == "float32" else BFLOAT16_TOLERANCE
    results = []
    for device in devices:
        artefact = torch.jit.load(str(out / "model.pt"), map_location=device)
        model.to(device)
        generator = torch.Generator().manual_seed(7)
        diffs, mismatches = {}, 0
        for count, longest in ((5, 40), (3, MAX_LENGTH)):
            rows = random_rows(generator, tokenizer.bos_token_id, model.config.vocab_size, count, longest)
            batch_diffs, batch_mismatches = compare(artefact, model, rows, tokenizer.pad_token_id, device,
                                                    relative=dtype != "float32")
            diffs = {k: max(v, diffs.get(k, 0.0)) for k, v in batch_diffs.items()}
            mismatches += batch_mismatches
        ok = max(diffs.values()) <= tolerance and (dtype != "float32" or mismatches == 0)
        results.append((device, diffs, mismatches, tolerance, ok))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description="Checks hf exports of small random models.")
    parser.add_argument("--keep", help="write models and artefacts here instead of a temporary folder")
    args = parser.parse_args()
    started = time.time()
    devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    print(f"torch {torch.__version__}, transformers {transformers.__version__}, devices {devices}")
    header = f"{'model':<8} {'dtype':<9} {'device':<6} {'next_token_logit':>16} {'logsumexp':>10} " \
             f"{'max_logit':>10} {'argmax≠':>7} {'tolerance':>9}  result"
    print(header)
    print("-" * len(header))
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(args.keep or tmp)
        for kind, dtype, add_bos, chat_template in CASES:
            results = check_case(root, kind, dtype, add_bos, chat_template, devices)
            if results is None:
                print(f"{kind:<8} {dtype:<9} export failed")
                failures += 1
                continue
            for device, diffs, mismatches, tolerance, ok in results:
                failures += not ok
                print(f"{kind:<8} {dtype:<9} {device:<6} {diffs['next_token_logit']:>16.2e} "
                      f"{diffs['logsumexp']:>10.2e} {diffs['max_logit']:>10.2e} {mismatches:>7d} "
                      f"{tolerance:>9.0e}  {'ok' if ok else 'FAIL'}")
    print(f"{failures} failure(s) in {time.time() - started:.1f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

"""Traces a language model's reward head, checks the trace against eager execution and writes the artefact.

The artefact folder holds ``model.pt`` (TorchScript), ``tokenizer.json``,
``tokenizer_config.json``, ``selftest.json`` and, written last, ``manifest.json`` with the sha256
of each file. A folder with a manifest is complete; nothing is written when the self-check fails.

``selftest.json`` lets every later load check that its runtime computes what the exporter's torch
computed::

    {"input_ids": [[int, ...], ...], "next_token_logit": [[float, ...], ...],
     "logsumexp": [[float, ...], ...], "tolerance": float}

It holds 2 to 4 unpadded sequences of different lengths (one of length 1, the longest at most
:data:`SELFTEST_MAX_TOKENS` and ``max_length`` tokens) and, for sequence i, the traced module's
first two outputs at its ``len(input_ids[i])`` positions, computed in float32 on one batch of all
the sequences right-padded with ``pad_token_id`` (attention mask 0 on the padding). A shorter
sequence's ``next_token_logit`` at its last position is the logit of ``pad_token_id``, the token
that follows it in that batch; the longest sequence's is 0. ``tolerance`` is the largest absolute
difference a correct runtime may show on another device (see :data:`SELFTEST_RELATIVE_TOLERANCE`).
"""

from contextlib import contextmanager
import hashlib
import importlib.metadata
import json
import os
from pathlib import Path
import sys
from typing import Dict, Iterator, List, Optional, Sequence, TextIO, Tuple

import torch
from torch import nn

from endoreward_export import __version__
from endoreward_export.device_portability import make_device_portable
from endoreward_export.errors import ExportError
from endoreward_export.reward_head import OUTPUT_NAMES, RewardHead

FORMAT_VERSION = 2
"""Version 2 added ``selftest.json``, which a version 2 reader requires."""
MODEL_FILE = "model.pt"
TOKENIZER_FILE = "tokenizer.json"
TOKENIZER_CONFIG_FILE = "tokenizer_config.json"
SELFTEST_FILE = "selftest.json"
MANIFEST_FILE = "manifest.json"

RUNTIME_TORCH_VERSION = "2.7.1"
"""The libtorch version of the Java runtime (DJL 0.36). TorchScript has no forward compatibility, so the
exporter should run on this torch (src/main/python/requirements.txt pins it) and warns when it does not."""

RELATIVE_TOLERANCE = {"float32": 1e-4, "bfloat16": 5e-2, "float16": 1e-2}
"""Self-check tolerance per model dtype, relative to the largest magnitude of the compared output (at least 1)."""

TRACE_LENGTH = 5
"""Length of the two example rows (the second right-padded) the module is traced with; the self-check
uses other shapes, so a shape baked into the trace shows."""

CHECK_LENGTHS = (1, 3, 11, 33)
"""Lengths of the generated self-check rows, capped at the model's max length."""

SELFTEST_MAX_SEQUENCES = 4
SELFTEST_MAX_TOKENS = 64
"""The longest sequence stored in ``selftest.json`` (and at most ``max_length``)."""

SELFTEST_RELATIVE_TOLERANCE = {"float32": 1e-3, "float16": 2e-2, "bfloat16": 1e-1}
"""``selftest.json``'s tolerance per model dtype, relative to max(1, the largest |value| it stores).

Another device (or thread count, or BLAS) sums the same products in another order, so a correct
runtime's outputs differ by rounding that grows through the layers: float32, with a 2^-24 unit
roundoff, stays near 1e-5 relative on small models, and 1e-3 leaves room for deep ones; float16
(2^-11) and bfloat16 (2^-8) weights and activations round at every layer, so their bounds are
about 40 and 25 of their units of roundoff. An operator a runtime gets wrong (another mask, rope or
softcap convention, a missing op fallback) moves the outputs by far more."""

Batch = Tuple[torch.Tensor, torch.Tensor]


def write_artefact(lm: nn.Module, output_dir, tokenizer_json: dict, tokenizer_config: dict, source: dict,
                   vocab_size: int, max_length: int, bos_token_id: int, eos_token_id: int, pad_token_id: int,
                   dtype: str = "float32", sample_input_ids: Optional[List[List[int]]] = None) -> dict:
    """Exports ``lm`` (``(input_ids, attention_mask) -> logits [B, T, V]``) as an artefact in ``output_dir``.

    The module is wrapped in :class:`RewardHead`, traced, made device-portable, and checked
    against eager execution on batches of several shapes with right-padded rows
    (``sample_input_ids`` plus generated rows). Raises :class:`ExportError` when an argument is
    invalid or the check fails; then nothing is written. Returns the manifest.
    """
    _validate_arguments(dtype, vocab_size, max_length, bos_token_id, eos_token_id, pad_token_id)
    warn_unless_runtime_torch()
    rows = _sample_rows(sample_input_ids, vocab_size, max_length, bos_token_id)
    head = RewardHead(lm)
    with _inference_mode(lm):
        traced = _trace(head, vocab_size, max_length, pad_token_id)
        _self_check(head, traced, rows, pad_token_id, RELATIVE_TOLERANCE[dtype])
        selftest = _selftest(head, traced, rows, len(sample_input_ids or []), max_length, pad_token_id, dtype)
        out = Path(output_dir)
        out.mkdir(parents=True, exist_ok=True)
        # a stale manifest would vouch for files that are about to change
        (out / MANIFEST_FILE).unlink(missing_ok=True)
        torch.jit.save(traced, str(out / MODEL_FILE))
    _write_json(out / TOKENIZER_FILE, tokenizer_json, indent=None)
    _write_json(out / TOKENIZER_CONFIG_FILE, tokenizer_config, indent=2)
    _write_json(out / SELFTEST_FILE, selftest, indent=None)
    manifest = {
        "format_version": FORMAT_VERSION,
        "exporter_version": __version__,
        "torch_version": torch.__version__,
        "transformers_version": _installed_version("transformers"),
        "source": source,
        "dtype": dtype,
        "vocab_size": vocab_size,
        "max_length": max_length,
        "bos_token_id": bos_token_id,
        "eos_token_id": eos_token_id,
        "pad_token_id": pad_token_id,
        "outputs": list(OUTPUT_NAMES),
        "files": {name: sha256_file(out / name)
                  for name in (MODEL_FILE, TOKENIZER_FILE, TOKENIZER_CONFIG_FILE, SELFTEST_FILE)},
    }
    _write_json(out / MANIFEST_FILE, manifest, indent=2)
    return manifest


def warn_unless_runtime_torch(version: Optional[str] = None, stream: Optional[TextIO] = None) -> bool:
    """Writes a warning to ``stream`` (stderr) unless ``version`` (the running torch's) is the runtime's
    :data:`RUNTIME_TORCH_VERSION`, local build suffixes such as ``+cpu`` aside. Returns whether it warned."""
    version = torch.__version__ if version is None else version
    if str(version).split("+")[0] == RUNTIME_TORCH_VERSION:
        return False
    print(f"WARNING: exporting with torch {version}, but the Java runtime runs libtorch {RUNTIME_TORCH_VERSION}. "
          f"A module traced by another torch may call operators libtorch {RUNTIME_TORCH_VERSION} lacks, or compute "
          f"differently; export with the project's Python (jobs/python.sh), which pins torch=={RUNTIME_TORCH_VERSION}.",
          file=sys.stderr if stream is None else stream, flush=True)
    return True


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def pad_right(rows: Sequence[Sequence[int]], pad_token_id: int) -> Batch:
    """Right-pads token rows into (input_ids, attention_mask), both int64 [len(rows), longest row]."""
    length = max(len(row) for row in rows)
    input_ids = torch.full((len(rows), length), pad_token_id, dtype=torch.int64)
    attention_mask = torch.zeros((len(rows), length), dtype=torch.int64)
    for i, row in enumerate(rows):
        input_ids[i, :len(row)] = torch.tensor(row, dtype=torch.int64)
        attention_mask[i, :len(row)] = 1
    return input_ids, attention_mask


def _validate_arguments(dtype: str, vocab_size: int, max_length: int, bos_token_id: int, eos_token_id: int,
                        pad_token_id: int) -> None:
    if dtype not in RELATIVE_TOLERANCE:
        raise ExportError.because(f"dtype {dtype!r} is not one of {', '.join(RELATIVE_TOLERANCE)}")
    if vocab_size < 1:
        raise ExportError.because(f"vocab_size {vocab_size} is not positive")
    if max_length < 2:
        raise ExportError.because(f"max_length {max_length} is less than 2, too short for a prompt and a response")
    for name, token_id in (("bos_token_id", bos_token_id), ("eos_token_id", eos_token_id),
                           ("pad_token_id", pad_token_id)):
        if not 0 <= token_id < vocab_size:
            raise ExportError.because(f"{name} {token_id} is outside the vocabulary [0, {vocab_size})")


def _sample_rows(sample_input_ids: Optional[List[List[int]]], vocab_size: int, max_length: int,
                 bos_token_id: int) -> List[List[int]]:
    """The caller's rows, validated, followed by generated rows of several lengths starting with BOS."""
    rows = [list(row) for row in (sample_input_ids or [])]
    for i, row in enumerate(rows):
        if not 1 <= len(row) <= max_length:
            raise ExportError.because(f"sample row {i} has {len(row)} tokens, not 1 to max_length {max_length}")
        if any(not 0 <= token < vocab_size for token in row):
            raise ExportError.because(f"sample row {i} holds an id outside the vocabulary [0, {vocab_size})")
    generator = torch.Generator().manual_seed(0)
    for length in sorted({min(length, max_length) for length in CHECK_LENGTHS}):
        tail = torch.randint(0, vocab_size, (length - 1,), generator=generator).tolist()
        rows.append([bos_token_id] + tail)
    return rows


@contextmanager
def _inference_mode(lm: nn.Module) -> Iterator[None]:
    """Evaluation mode without gradients for tracing and saving; restores the module's state afterwards."""
    was_training = lm.training
    requires_grad = [p.requires_grad for p in lm.parameters()]
    lm.eval()
    lm.requires_grad_(False)
    try:
        with torch.no_grad():
            yield
    finally:
        for parameter, flag in zip(lm.parameters(), requires_grad):
            parameter.requires_grad_(flag)
        lm.train(was_training)


def _trace(head: RewardHead, vocab_size: int, max_length: int, pad_token_id: int) -> torch.jit.ScriptModule:
    length = min(TRACE_LENGTH, max_length)
    generator = torch.Generator().manual_seed(1)
    full = torch.randint(0, vocab_size, (length,), generator=generator).tolist()
    example = pad_right([full, full[:max(1, length - 2)]], pad_token_id)
    try:
        traced = torch.jit.trace(head, example, check_trace=False, strict=False)
    except Exception as e:  # tracing failures surface as many exception types
        raise ExportError.because(f"tracing the reward head failed: {e}") from e
    make_device_portable(traced)
    return traced


def _self_check(head: RewardHead, traced: torch.jit.ScriptModule, rows: List[List[int]], pad_token_id: int,
                relative_tolerance: float) -> None:
    """Checks traced against eager outputs on each row alone and on all rows right-padded into one batch,
    and that a row's outputs do not depend on the padding and batch mates it comes with."""
    alone = []
    for row in rows:
        batch = pad_right([row], pad_token_id)
        alone.append(_check_traced_equals_eager(head, traced, batch, relative_tolerance))
    batch = pad_right(rows, pad_token_id)
    batched = _check_traced_equals_eager(head, traced, batch, relative_tolerance)
    for i, row in enumerate(rows):
        n = len(row)
        for name, single, together in zip(OUTPUT_NAMES[:3], alone[i][:3], batched[:3]):
            # the last valid position's next-token logit reads the padding, so it is not compared
            compared = n - 1 if name == "next_token_logit" else n
            expected, actual = single[0, :compared], together[i, :compared]
            diff, tolerance = _max_abs_diff(expected, actual), _tolerance(expected, relative_tolerance)
            if diff > tolerance:
                raise ExportError.because(
                    f"self-check failed: output {name} of a {n}-token row changes when batched with padding "
                    f"(shape {list(batch[0].shape)}): max abs diff {diff:.3g} > tolerance {tolerance:.3g}")


def _check_traced_equals_eager(head: RewardHead, traced: torch.jit.ScriptModule, batch: Batch,
                               relative_tolerance: float) -> Tuple[torch.Tensor, ...]:
    """Runs both modules on ``batch``; raises when an output differs at a valid position. Returns the traced outputs."""
    input_ids, attention_mask = batch
    shape = list(input_ids.shape)
    try:
        actual = traced(input_ids, attention_mask)
    except Exception as e:  # a shape baked into the trace fails at run time with many exception types
        raise ExportError.because(f"self-check failed: the traced module cannot run on shape {shape}: {e}") from e
    expected = head(input_ids, attention_mask)
    valid = attention_mask.bool()
    for name, eager, traced_out in zip(OUTPUT_NAMES[:3], expected[:3], actual[:3]):
        if tuple(traced_out.shape) != tuple(eager.shape):
            raise ExportError.because(f"self-check failed: output {name} has shape {list(traced_out.shape)} "
                                      f"instead of {list(eager.shape)} for input shape {shape}")
        if not torch.isfinite(eager[valid]).all():
            raise ExportError.because(f"self-check failed: output {name} of the eager model is not finite "
                                      f"for input shape {shape}")
        diff, tolerance = _max_abs_diff(eager[valid], traced_out[valid]), _tolerance(eager[valid], relative_tolerance)
        if diff > tolerance:
            raise ExportError.because(f"self-check failed: output {name} of the traced module differs from eager "
                                      f"for input shape {shape}: max abs diff {diff:.3g} > tolerance {tolerance:.3g}")
    _check_argmax(head, expected, actual, batch, relative_tolerance)
    if not torch.equal(actual[0][:, -1], torch.zeros_like(actual[0][:, -1])):
        raise ExportError.because(f"self-check failed: next_token_logit at the last position is not 0 "
                                  f"for input shape {shape}")
    return actual


def _check_argmax(head: RewardHead, expected: Tuple[torch.Tensor, ...], actual: Tuple[torch.Tensor, ...],
                  batch: Batch, relative_tolerance: float) -> None:
    """Argmax must agree except between logits that tie within the tolerance."""
    input_ids, attention_mask = batch
    disagree = (expected[3] != actual[3]) & attention_mask.bool()
    if not disagree.any():
        return
    logits = head.lm(input_ids, attention_mask).float()  # [B, T, V]
    picked = logits.gather(2, actual[3].unsqueeze(-1)).squeeze(-1)  # [B, T]
    gap = (expected[2] - picked)[disagree]
    tolerance = _tolerance(expected[2][attention_mask.bool()], relative_tolerance)
    if gap.max().item() > tolerance:
        raise ExportError.because(
            f"self-check failed: output argmax of the traced module differs from eager for input shape "
            f"{list(input_ids.shape)}: its logit is {gap.max().item():.3g} below the max (tolerance {tolerance:.3g})")


def _selftest(head: RewardHead, traced: torch.jit.ScriptModule, rows: List[List[int]], given: int,
              max_length: int, pad_token_id: int, dtype: str) -> dict:
    """The content of ``selftest.json``: a few of the self-check's ``rows`` (the first ``given`` are the caller's),
    of distinct lengths, and the traced module's outputs on them as one right-padded batch, checked against
    eager like the self-check's batches."""
    cap = min(SELFTEST_MAX_TOKENS, max_length)
    generated = rows[given:]
    # the BOS-only row, the caller's rows (real text), then the longest generated rows
    candidates = [row for row in generated if len(row) == 1] + rows[:given] + sorted(generated, key=len, reverse=True)
    chosen: List[List[int]] = []
    for row in (row[:cap] for row in candidates):
        if len(chosen) < SELFTEST_MAX_SEQUENCES and all(len(row) != len(other) for other in chosen):
            chosen.append(row)
    batch = pad_right(chosen, pad_token_id)
    outputs = _check_traced_equals_eager(head, traced, batch, RELATIVE_TOLERANCE[dtype])
    next_token_logit = [outputs[0][i, :len(row)].float().tolist() for i, row in enumerate(chosen)]
    logsumexp = [outputs[1][i, :len(row)].float().tolist() for i, row in enumerate(chosen)]
    largest = max(abs(value) for values in next_token_logit + logsumexp for value in values)
    return {"input_ids": chosen, "next_token_logit": next_token_logit, "logsumexp": logsumexp,
            "tolerance": SELFTEST_RELATIVE_TOLERANCE[dtype] * max(1.0, largest)}


def _installed_version(package: str) -> Optional[str]:
    """The version of an installed package (the imported module's, when imported), or None."""
    module = sys.modules.get(package)
    if module is not None and getattr(module, "__version__", None):
        return str(module.__version__)
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def _max_abs_diff(expected: torch.Tensor, actual: torch.Tensor) -> float:
    if expected.numel() == 0:
        return 0.0
    diff = (expected.double() - actual.double()).abs()
    return torch.nan_to_num(diff, nan=float("inf")).max().item()


def _tolerance(reference: torch.Tensor, relative_tolerance: float) -> float:
    scale = reference.abs().max().item() if reference.numel() else 0.0
    return relative_tolerance * max(1.0, scale)


def _write_json(path: Path, content: Dict, indent: Optional[int]) -> None:
    text = json.dumps(content, ensure_ascii=False, indent=indent)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text + "\n", encoding="utf-8")
    os.replace(tmp, path)

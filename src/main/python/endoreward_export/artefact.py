"""Traces a language model's reward head, checks the trace against eager execution and writes the artefact.

The artefact folder holds ``model.pt`` (TorchScript), ``tokenizer.json``,
``tokenizer_config.json`` and, written last, ``manifest.json`` with the sha256 of each file.
A folder with a manifest is complete; nothing is written when the self-check fails.
"""

from contextlib import contextmanager
import hashlib
import json
import os
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

import torch
from torch import nn

from endoreward_export import __version__
from endoreward_export.device_portability import make_device_portable
from endoreward_export.errors import ExportError
from endoreward_export.reward_head import OUTPUT_NAMES, RewardHead

FORMAT_VERSION = 1
MODEL_FILE = "model.pt"
TOKENIZER_FILE = "tokenizer.json"
TOKENIZER_CONFIG_FILE = "tokenizer_config.json"
MANIFEST_FILE = "manifest.json"

RELATIVE_TOLERANCE = {"float32": 1e-4, "bfloat16": 5e-2, "float16": 1e-2}
"""Self-check tolerance per model dtype, relative to the largest magnitude of the compared output (at least 1)."""

TRACE_LENGTH = 5
"""Length of the two example rows (the second right-padded) the module is traced with; the self-check
uses other shapes, so a shape baked into the trace shows."""

CHECK_LENGTHS = (1, 3, 11, 33)
"""Lengths of the generated self-check rows, capped at the model's max length."""

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
    rows = _sample_rows(sample_input_ids, vocab_size, max_length, bos_token_id)
    head = RewardHead(lm)
    with _inference_mode(lm):
        traced = _trace(head, vocab_size, max_length, pad_token_id)
        _self_check(head, traced, rows, pad_token_id, RELATIVE_TOLERANCE[dtype])
        out = Path(output_dir)
        out.mkdir(parents=True, exist_ok=True)
        # a stale manifest would vouch for files that are about to change
        (out / MANIFEST_FILE).unlink(missing_ok=True)
        torch.jit.save(traced, str(out / MODEL_FILE))
    _write_json(out / TOKENIZER_FILE, tokenizer_json, indent=None)
    _write_json(out / TOKENIZER_CONFIG_FILE, tokenizer_config, indent=2)
    manifest = {
        "format_version": FORMAT_VERSION,
        "exporter_version": __version__,
        "source": source,
        "dtype": dtype,
        "vocab_size": vocab_size,
        "max_length": max_length,
        "bos_token_id": bos_token_id,
        "eos_token_id": eos_token_id,
        "pad_token_id": pad_token_id,
        "outputs": list(OUTPUT_NAMES),
        "files": {name: sha256_file(out / name) for name in (MODEL_FILE, TOKENIZER_FILE, TOKENIZER_CONFIG_FILE)},
    }
    _write_json(out / MANIFEST_FILE, manifest, indent=2)
    return manifest


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
    if max_length < 1:
        raise ExportError.because(f"max_length {max_length} is not positive")
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

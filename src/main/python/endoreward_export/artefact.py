"""Exports a language model's reward head, checks it against the model's own forward and writes the artefact.

The artefact folder holds ``model.pt`` (TorchScript), ``tokenizer.json``,
``tokenizer_config.json``, ``selftest.json`` and, written last, ``manifest.json`` with the sha256
of each file. A folder with a manifest is complete; nothing is written when the self-check fails.

``model.pt`` is a scripted :class:`RewardHead` around the traced body of the model. Its ``forward`` (the
scoring path) returns the outputs the manifest lists under ``outputs``; its ``score_from`` method returns
the same from a given position of each row on (``score_from_outputs``), and its ``greedy`` method, on the
same weights, those listed under ``greedy_outputs``.

``selftest.json`` lets every later load check that its runtime computes what the exporter's torch
computed::

    {"input_ids": [[int, ...], ...], "next_token_logit": [[float, ...], ...],
     "logsumexp": [[float, ...], ...], "tolerance": float}

It holds 2 to 4 unpadded sequences of different lengths (one of length 1, the longest at most
:data:`SELFTEST_MAX_TOKENS` and ``max_length`` tokens) and, for sequence i, the module's ``forward``
outputs at its ``len(input_ids[i])`` positions, computed on one batch of all the sequences right-padded
with ``pad_token_id`` (attention mask 0 on the padding). A sequence's ``next_token_logit`` at its last
position is 0: no token of its own follows. ``tolerance`` is the largest absolute difference a correct
runtime may show on another device (see :data:`SELFTEST_RELATIVE_TOLERANCE`).
"""

from contextlib import contextmanager
import hashlib
import importlib.metadata
import json
import os
from pathlib import Path
import sys
from typing import Dict, Iterator, List, NamedTuple, Optional, Sequence, TextIO, Tuple

import torch
from torch import nn

from endoreward_export import __version__
from endoreward_export.device_portability import make_device_portable
from endoreward_export.errors import ExportError
from endoreward_export.reward_head import (GREEDY_METHOD, GREEDY_OUTPUT_NAMES, OUTPUT_NAMES, SCORE_FROM_METHOD,
                                           LanguageModel, positions_per_chunk, reward_head)

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
"""Length of the two example rows (the second right-padded) the body is traced with; the self-check
uses other shapes, so a shape baked into the trace shows."""

CHECK_LENGTHS = (1, 3, 11, 33)
"""Lengths of the generated self-check rows, capped at the model's max length."""

BEYOND_THRESHOLD = 8
"""A generated self-check row is this many tokens longer than each of the model's threshold lengths."""

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


class Reference(NamedTuple):
    """The model's own forward on one unpadded row of n tokens, reduced in float64."""

    next_token_logit: torch.Tensor  # [n - 1]
    logsumexp: torch.Tensor  # [n]
    max_logit: torch.Tensor  # [n]
    argmax: torch.Tensor  # [n] int64
    runner_up: torch.Tensor  # [n]: the second largest logit, to tell near-ties from wrong argmaxes


def write_artefact(lm: LanguageModel, output_dir, tokenizer_json: dict, tokenizer_config: dict, source: dict,
                   vocab_size: int, max_length: int, bos_token_id: int, eos_token_id: int, pad_token_id: int,
                   dtype: str = "float32", sample_input_ids: Optional[List[List[int]]] = None) -> dict:
    """Exports ``lm`` as an artefact in ``output_dir``.

    The body is traced, made device-portable, and wrapped in a scripted :class:`RewardHead`. The module is
    checked against ``lm.reference``, the model's own forward, on rows run alone and on all rows
    right-padded into one batch (``sample_input_ids`` plus generated rows, some longer than each of
    ``lm.threshold_lengths``). Raises :class:`ExportError` when an argument is invalid or the check fails;
    then nothing is written. Returns the manifest.
    """
    _validate_arguments(dtype, vocab_size, max_length, bos_token_id, eos_token_id, pad_token_id)
    warn_unless_runtime_torch()
    rows = _sample_rows(sample_input_ids, vocab_size, max_length, bos_token_id, lm.threshold_lengths)
    with _inference_mode(lm.body, lm.output):
        exported = _export(lm, vocab_size, max_length, pad_token_id)
        references = [_reference(lm, row) for row in rows]
        _self_check(lm, exported, rows, references, pad_token_id, RELATIVE_TOLERANCE[dtype])
        selftest = _selftest(lm, exported, rows, references, len(sample_input_ids or []), max_length,
                             pad_token_id, dtype)
        out = Path(output_dir)
        out.mkdir(parents=True, exist_ok=True)
        # a stale manifest would vouch for files that are about to change
        (out / MANIFEST_FILE).unlink(missing_ok=True)
        torch.jit.save(exported, str(out / MODEL_FILE))
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
        "greedy_outputs": list(GREEDY_OUTPUT_NAMES),
        "score_from_outputs": list(OUTPUT_NAMES),
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
                 bos_token_id: int, threshold_lengths: Sequence[int]) -> List[List[int]]:
    """The caller's rows, validated, followed by generated rows starting with BOS, of several lengths and
    longer than each threshold length."""
    rows = [list(row) for row in (sample_input_ids or [])]
    for i, row in enumerate(rows):
        if not 1 <= len(row) <= max_length:
            raise ExportError.because(f"sample row {i} has {len(row)} tokens, not 1 to max_length {max_length}")
        if any(not 0 <= token < vocab_size for token in row):
            raise ExportError.because(f"sample row {i} holds an id outside the vocabulary [0, {vocab_size})")
    generator = torch.Generator().manual_seed(0)
    lengths = CHECK_LENGTHS + tuple(threshold + BEYOND_THRESHOLD for threshold in threshold_lengths)
    for length in sorted({min(length, max_length) for length in lengths}):
        tail = torch.randint(0, vocab_size, (length - 1,), generator=generator).tolist()
        rows.append([bos_token_id] + tail)
    return rows


@contextmanager
def _inference_mode(*modules: nn.Module) -> Iterator[None]:
    """Evaluation mode without gradients for tracing and saving; restores the modules' state afterwards."""
    training = [module.training for module in modules]
    parameters = [p for module in modules for p in module.parameters()]
    requires_grad = [p.requires_grad for p in parameters]
    for module in modules:
        module.eval()
        module.requires_grad_(False)
    try:
        with torch.no_grad():
            yield
    finally:
        for parameter, flag in zip(parameters, requires_grad):
            parameter.requires_grad_(flag)
        for module, was_training in zip(modules, training):
            module.train(was_training)


def _export(lm: LanguageModel, vocab_size: int, max_length: int, pad_token_id: int) -> torch.jit.ScriptModule:
    """The reward head, scripted around the traced body."""
    length = min(TRACE_LENGTH, max_length)
    generator = torch.Generator().manual_seed(1)
    full = torch.randint(0, vocab_size, (length,), generator=generator).tolist()
    example = pad_right([full, full[:max(1, length - 2)]], pad_token_id)
    try:
        with lm.tracing():
            body = torch.jit.trace(lm.body, example, check_trace=False, strict=False)
    except ExportError:
        raise
    except Exception as e:  # tracing failures surface as many exception types
        raise ExportError.because(f"tracing the model failed: {e}") from e
    try:
        exported = torch.jit.script(reward_head(lm, body=body))
    except Exception as e:  # scripting failures surface as many exception types
        raise ExportError.because(f"scripting the reward head failed: {e}") from e
    make_device_portable(exported)
    return exported


def _reference(lm: LanguageModel, row: List[int]) -> Reference:
    """Reductions of the logits of the model's own forward on ``row`` alone, in float64, a chunk of positions at
    a time (only the model's own logits [n, V] are held whole)."""
    logits = lm.reference(torch.tensor([row], dtype=torch.int64))[0]  # [n, V] in the model's dtype
    # the token each position predicts; the last position predicts none, and its entry is dropped
    targets = torch.tensor(row[1:] + [0], dtype=torch.int64)  # [n]
    chunk = positions_per_chunk(logits.shape[-1])
    columns = []
    for start in range(0, len(row), chunk):
        part = logits[start:start + chunk].double()  # [c, V]
        top = part.topk(min(2, part.shape[-1]), dim=-1)  # [c, 2]
        chosen = part.gather(1, targets[start:start + part.shape[0]].unsqueeze(1)).squeeze(1)  # [c]
        columns.append((chosen, torch.logsumexp(part, -1), top.values[:, 0], top.indices[:, 0], top.values[:, -1]))
    chosen, logsumexp, max_logit, argmax, runner_up = (torch.cat(column) for column in zip(*columns))
    return Reference(chosen[:-1], logsumexp, max_logit, argmax, runner_up)


def _self_check(lm: LanguageModel, exported: torch.jit.ScriptModule, rows: List[List[int]],
                references: List[Reference], pad_token_id: int, relative_tolerance: float) -> None:
    """Checks the exported module against the model's own forward on each row alone, then on all rows
    right-padded into one batch, so a row's outputs may not depend on the padding and batch mates it comes with."""
    for row, reference in zip(rows, references):
        _check_against_reference(lm, exported, [row], [reference], pad_token_id, relative_tolerance)
    _check_against_reference(lm, exported, rows, references, pad_token_id, relative_tolerance)


def _check_against_reference(lm: LanguageModel, exported: torch.jit.ScriptModule, rows: List[List[int]],
                             references: List[Reference], pad_token_id: int,
                             relative_tolerance: float) -> Tuple[torch.Tensor, ...]:
    """Runs ``exported`` on ``rows`` right-padded into one batch; raises when an output differs from the references
    at a token position. Returns the outputs of ``forward`` and then ``greedy``."""
    batch = pad_right(rows, pad_token_id)
    shape = list(batch[0].shape)
    try:
        actual = tuple(exported(*batch)) + tuple(getattr(exported, GREEDY_METHOD)(*batch))
    except Exception as e:  # a shape baked into the trace fails at run time with many exception types
        raise ExportError.because(f"self-check failed: the exported module cannot run on shape {shape}: {e}") from e
    names = OUTPUT_NAMES + GREEDY_OUTPUT_NAMES
    for name, output in zip(names, actual):
        if list(output.shape) != shape:
            raise ExportError.because(f"self-check failed: output {name} has shape {list(output.shape)} "
                                      f"for input shape {shape}")
    next_token_logit, logsumexp, max_logit, argmax = actual
    for i, (row, reference) in enumerate(zip(rows, references)):
        n = len(row)
        where = f"a {n}-token row " + (f"alone (input shape {shape})" if len(rows) == 1
                                       else f"batched with padding (input shape {shape})")
        compared = (("next_token_logit", next_token_logit[i, :n - 1], reference.next_token_logit),
                    ("logsumexp", logsumexp[i, :n], reference.logsumexp),
                    ("max_logit", max_logit[i, :n], reference.max_logit))
        for name, output, expected in compared:
            if not torch.isfinite(expected).all():
                raise ExportError.because(f"self-check failed: the model's own forward gives non-finite {name} "
                                          f"on a {n}-token row")
            diff, tolerance = _max_abs_diff(expected, output), _tolerance(expected, relative_tolerance)
            if diff > tolerance:
                raise ExportError.because(
                    f"self-check failed: output {name} of the exported module differs from the model's own forward "
                    f"on {where}: max abs diff {diff:.3g} > tolerance {tolerance:.3g}; "
                    + _diagnosis(lm, batch, names.index(name), i, expected, tolerance))
        # a different argmax is wrong unless the model's two largest logits tie within the tolerance
        tolerance = _tolerance(reference.max_logit, relative_tolerance)
        wrong = (argmax[i, :n] != reference.argmax) & (reference.max_logit - reference.runner_up > tolerance)
        if wrong.any():
            raise ExportError.because(f"self-check failed: output argmax of the exported module differs from the "
                                      f"model's own forward on {where} at {int(wrong.sum())} position(s)")
        if next_token_logit[i, n - 1] != 0:
            raise ExportError.because(f"self-check failed: next_token_logit at the last position of {where} is not 0")
    _check_score_from(exported, batch, rows, (next_token_logit, logsumexp), relative_tolerance)
    return actual


def _check_score_from(exported: torch.jit.ScriptModule, batch: Batch, rows: List[List[int]],
                      forward_outputs: Tuple[torch.Tensor, torch.Tensor], relative_tolerance: float) -> None:
    """Checks :data:`SCORE_FROM_METHOD` from each row's middle on: ``forward``'s outputs from there on, 0 before."""
    first = torch.tensor([len(row) // 2 for row in rows], dtype=torch.int64)  # [B]
    try:
        partial = getattr(exported, SCORE_FROM_METHOD)(*batch, first)
    except Exception as e:  # as for forward, a baked-in shape fails at run time with many exception types
        raise ExportError.because(f"self-check failed: {SCORE_FROM_METHOD} cannot run on shape "
                                  f"{list(batch[0].shape)}: {e}") from e
    for name, whole, part in zip(OUTPUT_NAMES, forward_outputs, partial):
        for i, row in enumerate(rows):
            start, n = int(first[i]), len(row)
            diff = _max_abs_diff(whole[i, start:n], part[i, start:n])
            tolerance = _tolerance(whole[i, :n], relative_tolerance)
            if diff > tolerance or part[i, :start].count_nonzero().item() != 0:
                raise ExportError.because(
                    f"self-check failed: output {name} of {SCORE_FROM_METHOD} from position {start} of a {n}-token row "
                    f"differs from forward's by {diff:.3g} (tolerance {tolerance:.3g}), or is not 0 before it")


def _diagnosis(lm: LanguageModel, batch: Batch, output: int, row: int, expected: torch.Tensor,
               tolerance: float) -> str:
    """Whether the module differs before tracing already, as traced (in ``lm.tracing()``), which tells a front end's
    fault from the trace's."""
    eager = reward_head(lm)
    with lm.tracing():
        outputs = tuple(eager(*batch)) + tuple(eager.greedy(*batch))
    compared = outputs[output][row, :expected.shape[0]]
    if _max_abs_diff(expected, compared) > tolerance:
        return ("the module differs before tracing too: the front end runs the model differently from its own "
                "forward (attention implementation or mask, positions, output layer or logit transform)")
    return ("the module agrees before tracing: the trace froze something of its example inputs, such as Python "
            "control flow on their shape or values (see the TracerWarnings above)")


def _selftest(lm: LanguageModel, exported: torch.jit.ScriptModule, rows: List[List[int]],
              references: List[Reference], given: int, max_length: int, pad_token_id: int, dtype: str) -> dict:
    """The content of ``selftest.json``: a few of the self-check's ``rows`` (the first ``given`` are the caller's),
    of distinct lengths, and the module's outputs on them as one right-padded batch, checked against the model's
    own forward like the self-check's batches."""
    cap = min(SELFTEST_MAX_TOKENS, max_length)
    indices = range(len(rows))
    generated = indices[given:]
    # the BOS-only row, the caller's rows (real text), then the longest generated rows
    candidates = ([i for i in generated if len(rows[i]) == 1] + list(indices[:given])
                  + sorted(generated, key=lambda i: len(rows[i]), reverse=True))
    chosen: List[List[int]] = []
    chosen_references: List[Reference] = []
    for i in candidates:
        if len(rows[i]) > cap:
            continue
        if len(chosen) < SELFTEST_MAX_SEQUENCES and all(len(rows[i]) != len(other) for other in chosen):
            chosen.append(rows[i])
            chosen_references.append(references[i])
    outputs = _check_against_reference(lm, exported, chosen, chosen_references, pad_token_id,
                                       RELATIVE_TOLERANCE[dtype])
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

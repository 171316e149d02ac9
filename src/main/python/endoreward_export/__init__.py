"""Exports causal language models as endoreward model artefacts.

An artefact is a folder holding a traced TorchScript reward head (``model.pt``), the
tokenizer in Hugging Face formats and a ``manifest.json`` that describes and fingerprints
them. See :mod:`endoreward_export.artefact`.
"""

from endoreward_export.errors import ExportError

__version__ = "0.3.0"

__all__ = ["ExportError", "__version__"]

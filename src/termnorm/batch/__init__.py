"""Batch annotation of whole corpora: files, folders, JSON Lines, standard input.

>>> import tempfile
>>> from pathlib import Path
>>> corpus = Path(tempfile.mkdtemp())
>>> _ = (corpus / "a.txt").write_text("Uighurs and so-called “vocational training centres”.")
>>> summary = run_batch(BatchOptions(inputs=(str(corpus),), out=corpus / "results", jobs=1))
>>> summary.failed, sorted(p.name for p in (corpus / "results").iterdir())
(0, ['annotations.csv', 'annotations.jsonl', 'errors.jsonl', 'report.html', 'summary.csv', 'summary.json'])

The per-document step, :func:`process_unit`, is a pure function of (glossary, document), so a
distributed engine can run it and write the pieces it returns in order.
"""

from __future__ import annotations

from .decoding import Decoded, NotTextError, decode_bytes
from .document import Document, DocumentSettings, Outcome, load_unit, process_document, process_unit
from .engine import BatchInterrupted, BatchOptions, BatchSummary, Progress, default_jobs, run_batch
from .inputs import InputSpec, Position, Unit, iter_units
from .markup import extract_text, html_to_text, markdown_to_text
from .outputs import BatchError

__all__ = [
    "BatchError",
    "BatchInterrupted",
    "BatchOptions",
    "BatchSummary",
    "Decoded",
    "Document",
    "DocumentSettings",
    "InputSpec",
    "NotTextError",
    "Outcome",
    "Position",
    "Progress",
    "Unit",
    "decode_bytes",
    "default_jobs",
    "extract_text",
    "html_to_text",
    "iter_units",
    "load_unit",
    "markdown_to_text",
    "process_document",
    "process_unit",
    "run_batch",
]

"""termnorm: a curated multilingual glossary and term normalizer for reporting on Xinjiang and the Uyghurs.

>>> from termnorm import load_glossary, normalize_text
>>> normalize_text("Uighurs in Urumchi", load_glossary()).text
'Uyghurs in Urumqi'
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from .annotate import Annotation, DocumentResult, annotate_document, annotate_text, summarize
from .compiled import Glossary, load_glossary
from .errors import GlossaryError, InputError, LookupNotFoundError, StyleError, TermnormError
from .lookup import lookup
from .model import Context, Entry, Style, Term
from .normalize import Change, NormalizeResult, normalize_text
from .rewrite import RewriteOptions

try:
    __version__ = version("termnorm")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+unknown"

__all__ = [
    "Annotation",
    "Change",
    "Context",
    "DocumentResult",
    "Entry",
    "Glossary",
    "GlossaryError",
    "InputError",
    "LookupNotFoundError",
    "NormalizeResult",
    "RewriteOptions",
    "Style",
    "StyleError",
    "Term",
    "TermnormError",
    "__version__",
    "annotate_document",
    "annotate_text",
    "load_glossary",
    "lookup",
    "normalize_text",
    "summarize",
]

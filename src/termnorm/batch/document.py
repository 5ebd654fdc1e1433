"""The per-document step of a batch run: read, decode, extract, annotate, serialise.

:func:`process_unit` is a pure function of (glossary, unit, settings) apart from reading the
unit's file: it returns every output line for the document as finished text, so any engine (this
package's process pool, or a distributed one) can run it and only has to write the pieces in order.
A document that cannot be read, decoded or parsed becomes a skipped or failed record, never an
exception.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..annotate import annotate_document
from ..compiled import Glossary
from ..formats import CSV_FIELDS
from .decoding import Decoded, NotTextError, decode_bytes
from .highlight import document_fragment, term_numbers
from .inputs import Unit
from .markup import extract_text
from .summary import csv_row, document_profile, problem_profile


@dataclass(frozen=True, slots=True)
class DocumentSettings:
    """What every document of a run shares: how to annotate, which fields to read, what to render."""

    style: str = "default"
    fuzzy: bool = True
    text_field: str = "text"
    id_field: str = "id"
    with_text: bool = False
    report_documents: int = 500  # documents shown in report.html (the first ones)
    report_chars: int = 200_000  # characters of each document shown there
    max_bytes: int = 128 * 1024 * 1024
    sides: tuple[str, ...] = ()  # framing columns of summary.csv


@dataclass(frozen=True, slots=True)
class Document:
    """A document ready to annotate: its text and where it came from."""

    source: str
    id: str | None
    text: str
    fmt: str
    encoding: str
    size: int
    warnings: tuple[str, ...] = ()


class DocumentProblem(Exception):
    """A unit that is not an annotatable document: ``status`` is ``skipped`` or ``failed``."""

    def __init__(self, status: str, kind: str, reason: str, *, doc_id: str | None = None, encoding: str | None = None) -> None:
        super().__init__(reason)
        self.status, self.kind, self.reason, self.doc_id, self.encoding = status, kind, reason, doc_id, encoding


@dataclass(frozen=True, slots=True)
class Outcome:
    """Everything a batch run writes for one unit, as finished text (lines end with a newline)."""

    profile: dict[str, Any]
    documents: str  # its line of summary.json's documents (JSON)
    summary_csv: str
    annotations: str = ""
    csv: str = ""
    error: str = ""
    fragment: str = ""
    terms: frozenset[int] = field(default_factory=frozenset)

    @property
    def status(self) -> str:
        return str(self.profile.get("status", "ok"))


def load_unit(unit: Unit, settings: DocumentSettings) -> Document:
    """Read and decode a unit into a :class:`Document`; raise :class:`DocumentProblem` if it is none."""
    if unit.problem is not None:
        status, reason = unit.problem
        raise DocumentProblem(status, "unreadable" if status == "failed" else "link-loop", reason)
    if unit.kind == "record":
        return _record(unit, settings)
    data = unit.data if unit.data is not None else _read(unit, settings)
    decoded = _decode(data)
    return _document(unit.source, None, decoded, unit.fmt, len(data))


def _read(unit: Unit, settings: DocumentSettings) -> bytes:
    path = Path(unit.path or unit.source)
    try:
        with path.open("rb") as fh:
            data = fh.read(settings.max_bytes + 1)
    except OSError as exc:
        raise DocumentProblem("failed", "unreadable", f"cannot read: {exc.strerror or exc}") from None
    if len(data) > settings.max_bytes:
        raise DocumentProblem("failed", "too-large", f"larger than the limit of {settings.max_bytes} bytes (--max-bytes)")
    return data


def _decode(data: bytes) -> Decoded:
    try:
        return decode_bytes(data)
    except NotTextError as exc:
        status = "failed" if exc.kind == "undecodable" else "skipped"
        raise DocumentProblem(status, exc.kind, exc.reason) from None


def _document(source: str, doc_id: str | None, decoded: Decoded, fmt: str, size: int) -> Document:
    warnings = []
    if decoded.replaced:
        n = decoded.replaced
        warnings.append(f"{n} stretch{'es' if n > 1 else ''} of invalid {decoded.encoding} bytes replaced by U+FFFD")
    text = extract_text(decoded.text, fmt)
    if not text.strip():
        raise DocumentProblem("skipped", "empty", f"no text ({fmt})", doc_id=doc_id, encoding=decoded.label)
    return Document(source, doc_id, text, fmt, decoded.label, size, tuple(warnings))


def _record(unit: Unit, settings: DocumentSettings) -> Document:
    """One JSON Lines record: the text and id fields of a JSON object."""
    data = unit.data or b""
    decoded = _decode(data)
    try:
        obj = json.loads(decoded.text)
    except json.JSONDecodeError as exc:
        raise DocumentProblem("failed", "bad-json", f"not valid JSON: {exc.msg} (column {exc.colno})") from None
    if not isinstance(obj, dict):
        raise DocumentProblem("failed", "bad-json", f"a JSON {type(obj).__name__}, not an object")
    raw_id = field_value(obj, settings.id_field)
    doc_id = None if raw_id is None or isinstance(raw_id, dict | list) else str(raw_id)
    text = field_value(obj, settings.text_field)
    if not isinstance(text, str):
        keys = ", ".join(sorted(obj)[:8])
        what = "no" if text is None else "a non-string"
        raise DocumentProblem("failed", "no-text", f"{what} '{settings.text_field}' field (fields: {keys})", doc_id=doc_id)
    return _document(unit.source, doc_id, Decoded(text, decoded.encoding, decoded.bom, decoded.replaced), unit.fmt, len(data))


def field_value(obj: Mapping[str, Any], name: str) -> Any:
    """A field of a record; ``a.b`` reaches into nested objects when there is no key ``a.b``.

    >>> field_value({"body": {"text": "Uyghur"}}, "body.text"), field_value({"a.b": 1}, "a.b")
    ('Uyghur', 1)
    """
    if name in obj:
        return obj[name]
    value: Any = obj
    for part in name.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def process_unit(unit: Unit, seq: int, glossary: Glossary, settings: DocumentSettings) -> Outcome:
    """Everything a batch run writes for one unit. Never raises for a bad document."""
    try:
        doc = load_unit(unit, settings)
    except DocumentProblem as p:
        return _problem(unit, p, settings)
    try:
        return process_document(doc, seq, glossary, settings)
    except Exception as exc:  # noqa: BLE001 - one document's bug must not stop a corpus run; it is recorded
        problem = DocumentProblem("failed", "error", f"could not annotate: {type(exc).__name__}: {exc}", doc_id=doc.id)
        return _problem(unit, problem, settings)


def process_document(doc: Document, seq: int, glossary: Glossary, settings: DocumentSettings) -> Outcome:
    """Annotate a document (:func:`termnorm.annotate.annotate_document`) and serialise the results."""
    result = annotate_document(doc.text, glossary, source=doc.source, doc_id=doc.id, style=settings.style, fuzzy=settings.fuzzy)
    record = result.to_dict()
    record["format"] = doc.fmt
    record["encoding"] = doc.encoding
    if doc.warnings:
        record["warnings"] = list(doc.warnings)
    if settings.with_text:
        record["text"] = doc.text
    profile = document_profile(
        result, fmt=doc.fmt, encoding=doc.encoding, size=doc.size, chars=len(doc.text), warnings=doc.warnings
    )
    fragment, used = "", frozenset[int]()
    if seq < settings.report_documents:
        meta = {"encoding": doc.encoding, "format": doc.fmt, "warnings": doc.warnings}
        html, numbers = document_fragment(seq, result, doc.text, meta, term_numbers(glossary), settings.report_chars)
        fragment, used = html, frozenset(numbers)
    return Outcome(
        profile=profile,
        documents=_json(profile),
        summary_csv=csv_row(profile, settings.sides),
        annotations=json.dumps(record, ensure_ascii=False) + "\n",
        csv=annotation_csv(record),
        fragment=fragment,
        terms=used,
    )


def annotation_csv(record: Mapping[str, Any]) -> str:
    """annotations.csv rows (no header) of a document's JSON record: the columns of ``annotate --format csv``."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    head = [record["source"], record.get("id") or ""]
    for a in record["annotations"]:
        row = list(head)
        for key in CSV_FIELDS[2:]:
            v = a.get(key)
            row.append(";".join(v) if isinstance(v, list) else ("" if v is None else v))
        writer.writerow(row)
    return buf.getvalue()


def failed_outcome(unit: Unit, kind: str, reason: str, settings: DocumentSettings) -> Outcome:
    """The outcome of a unit that an engine could not process (its worker crashed on it)."""
    return _problem(unit, DocumentProblem("failed", kind, reason), settings)


def _problem(unit: Unit, p: DocumentProblem, settings: DocumentSettings) -> Outcome:
    profile = problem_profile(unit.source, p.doc_id, p.status, p.kind, p.reason, unit.size, p.encoding)
    line = _json(profile)
    return Outcome(profile=profile, documents=line, summary_csv=csv_row(profile, settings.sides), error=line)


def _json(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False) + "\n"

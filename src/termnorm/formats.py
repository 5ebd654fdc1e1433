"""Rendering results: terminal view, JSON, JSON Lines, CSV, and entry cards."""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from collections.abc import Iterable
from typing import Any, TextIO

from .annotate import ANNOTATION_FIELDS, DocumentResult
from .model import Entry

_COLORS = {
    "loaded": "\033[1;31m",
    "spelling": "\033[33m",
    "ok": "\033[32m",
    "dim": "\033[2m",
    "bold": "\033[1m",
    "reset": "\033[0m",
}


def use_color(stream: TextIO, forced: bool | None = None) -> bool:
    """Colour only on a terminal, and never when ``NO_COLOR`` is set (https://no-color.org)."""
    if forced is not None:
        return forced
    if os.environ.get("NO_COLOR"):
        return False
    return hasattr(stream, "isatty") and stream.isatty()


def _paint(text: str, kind: str, color: bool) -> str:
    return f"{_COLORS[kind]}{text}{_COLORS['reset']}" if color else text


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a code-point offset."""
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


def render_document(result: DocumentResult, text: str, *, color: bool = False, explain: bool = False) -> str:
    """The readable terminal view of one annotated document."""
    out = [
        _paint(f"{result.source}", "bold", color)
        + f"  ({result.lang}, {len(result.annotations)} terms, {result.summary.get('loaded', 0)} loaded)"
    ]
    for a in result.annotations:
        line, col = line_col(text, a.start)
        kind = "loaded" if a.loaded else ("spelling" if a.preferred != a.text else "ok")
        head = f"  {line}:{col}  {_paint(a.text, kind, color)}"
        if a.preferred != a.text:
            head += f" -> {a.preferred}"
        head += f"  [{a.entry}: {a.label}; {a.type}, {a.lang}"
        if a.match != "exact":
            head += f", {a.match}" + (f" {a.score:.0f}" if a.match == "fuzzy" else "")
        head += "]"
        flags = []
        if a.loaded:
            flags.append("LOADED")
        if a.quoted:
            flags.append(f"quoted ({a.quote_reason})")
        if a.ambiguous:
            flags.append("AMBIGUOUS: " + " | ".join(a.candidates))
        if flags:
            head += "  " + _paint(", ".join(flags), "loaded" if a.loaded else "dim", color)
        out.append(head)
        if a.loaded or explain:
            if a.used_by:
                out.append(_paint(f"      used by: {', '.join(a.used_by)}", "dim", color))
            if a.note:
                out.append(_paint(f"      note: {a.note}", "dim", color))
            if a.neutral:
                out.append(_paint(f"      neutral: {a.neutral}", "dim", color))
        if explain:
            out.append(_paint(f"      rule: {a.rule}; term '{a.term}'" + (" (derived)" if a.derived else ""), "dim", color))
    return "\n".join(out) + "\n"


def to_json_line(result: DocumentResult) -> str:
    """One JSON object (one line) for a document: the output contract."""
    return json.dumps(result.to_dict(), ensure_ascii=False)


CSV_FIELDS = ("source", "id", *ANNOTATION_FIELDS, "category", "status", "neutral", "ambiguous", "quote_reason")


def csv_rows(results: Iterable[DocumentResult]) -> Iterable[dict[str, Any]]:
    """One CSV row per annotation, lists joined with ``;``."""
    for r in results:
        for a in r.annotations:
            d = a.to_dict()
            row = {"source": r.source, "id": r.id or ""}
            for k in CSV_FIELDS[2:]:
                v = d.get(k)
                row[k] = ";".join(v) if isinstance(v, list) else ("" if v is None else v)
            yield row


def to_csv(results: Iterable[DocumentResult]) -> str:
    """CSV text (header plus one row per annotation)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(csv_rows(results))
    return buf.getvalue()


def entry_dict(entry: Entry) -> dict[str, Any]:
    """An entry as a JSON-ready object with its ``id`` first."""
    return {
        "id": entry.id,
        "label": entry.label,
        "category": entry.category,
        "definition": entry.definition,
        "neutral": entry.neutral,
        "loaded": entry.loaded,
        "distancing": entry.distancing,
        "related": list(entry.related),
        "sources": list(entry.sources),
        "uncertain": entry.uncertain,
        "terms": [
            {
                "form": t.form,
                "lang": t.lang,
                "type": t.type,
                "status": t.status,
                "used_by": list(t.used_by),
                "loaded": t.loaded,
                "note": t.note,
                "sources": list(t.sources),
                "derived": t.derived,
                **({"ambiguous": t.ambiguous} if t.ambiguous else {}),
            }
            for t in entry.terms
        ],
    }


def render_card(entry: Entry, *, color: bool = False) -> str:
    """The entry card: label, definition, forms grouped by language, usage, notes, sources."""
    from .languages import language_name

    lines = [_paint(f"{entry.label}", "bold", color) + f"  ({entry.id}, {entry.category})", f"  {entry.definition}"]
    if entry.neutral:
        lines.append(f"  neutral alternative: {entry.neutral}")
    if entry.uncertain:
        lines.append(_paint(f"  unverified: {entry.uncertain}", "dim", color))
    groups: dict[str, list[Any]] = {}
    for t in entry.terms:
        groups.setdefault(t.lang, []).append(t)
    for lang, terms in groups.items():
        lines.append(_paint(f"  {language_name(lang)} [{lang}]", "bold", color))
        for t in terms:
            desc = f"{t.type}, {t.status}"
            if t.used_by:
                desc += f"; used by {', '.join(t.used_by)}"
            if t.derived:
                desc += "; derived"
            mark = _paint(" LOADED", "loaded", color) if t.loaded else ""
            lines.append(f"    {t.form}  ({desc}){mark}")
            if t.note:
                lines.append(_paint(f"        {t.note}", "dim", color))
            if t.ambiguous:
                lines.append(_paint(f"        ambiguous: {t.ambiguous}", "dim", color))
    if entry.related:
        lines.append(f"  related: {', '.join(entry.related)}")
    if entry.sources:
        lines.append("  sources:")
        lines += [f"    {s}" for s in entry.sources]
    return "\n".join(lines) + "\n"


def write(stream: TextIO | None, text: str) -> None:
    """Write to a stream (standard output by default)."""
    (stream or sys.stdout).write(text)

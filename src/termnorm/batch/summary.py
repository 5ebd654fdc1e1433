"""Per-document profiles and corpus totals: what summary.json, summary.csv and the report show.

A document's *profile* counts its annotations per entry, its loaded terms, and its framing:
how many of its terms each ``used_by`` side uses (``framing``) and how many of those stand in
quotation marks or after a distancing word (``framing_quoted``). :class:`CorpusTotals` adds
profiles up; it is plain JSON underneath so a resumed run continues the same sums.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..annotate import DocumentResult

# Counters kept per corpus (name in the profile -> name in the totals).
_COUNTERS = ("entries", "entries_loaded", "entries_quoted", "framing", "framing_quoted", "loaded_terms")
_SUMS = ("bytes", "chars", "annotations", "loaded", "quoted", "ambiguous", "fuzzy")
CSV_BASE = (
    "scope", "source", "id", "status", "reason", "format", "encoding", "lang", "bytes", "chars",
    "annotations", "loaded", "quoted", "ambiguous", "fuzzy", "entries", "loaded_terms",
)  # fmt: skip


def _sorted(counter: Mapping[str, int]) -> dict[str, int]:
    """Largest first, then by name: a stable order for JSON and CSV."""
    return dict(sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


def document_profile(
    result: DocumentResult, *, fmt: str, encoding: str, size: int, chars: int, warnings: Sequence[str] = ()
) -> dict[str, Any]:
    """The profile of an annotated document (one element of summary.json's ``documents``)."""
    s = result.summary
    anns = result.annotations
    profile: dict[str, Any] = {"source": result.source, "id": result.id, "status": "ok"}
    profile.update(format=fmt, encoding=encoding, lang=result.lang, bytes=size, chars=chars)
    profile.update(annotations=s["total"], loaded=s["loaded"], quoted=s["quoted"], ambiguous=s["ambiguous"], fuzzy=s["fuzzy"])
    profile["entries"] = _sorted(s["entries"])
    profile["entries_loaded"] = _sorted(Counter(a.entry for a in anns if a.loaded))
    profile["entries_quoted"] = _sorted(Counter(a.entry for a in anns if a.quoted))
    profile["loaded_terms"] = _sorted(Counter(a.term for a in anns if a.loaded))
    profile["framing"] = _sorted(s["framing"])
    profile["framing_quoted"] = _sorted(s["framing_quoted"])
    if warnings:
        profile["warnings"] = list(warnings)
    return profile


def problem_profile(
    source: str, doc_id: str | None, status: str, kind: str, reason: str, size: int = 0, encoding: str | None = None
) -> dict[str, Any]:
    """The profile of a document that was skipped or failed (also its errors.jsonl record)."""
    out: dict[str, Any] = {"source": source, "id": doc_id, "status": status, "kind": kind, "reason": reason, "bytes": size}
    if encoding:
        out["encoding"] = encoding
    return out


def _pairs(counter: Mapping[str, int]) -> str:
    return "; ".join(f"{k}={v}" for k, v in counter.items())


def csv_header(sides: Sequence[str]) -> list[str]:
    """summary.csv columns: fixed ones, then ``framing.SIDE`` and ``framing_quoted.SIDE`` per side."""
    return [*CSV_BASE, *(f"framing.{s}" for s in sides), *(f"framing_quoted.{s}" for s in sides)]


def csv_row(profile: Mapping[str, Any], sides: Sequence[str], scope: str = "document") -> str:
    """One summary.csv line for a document (or, with ``scope='corpus'``, for the corpus)."""
    row: list[Any] = [scope]
    for key in CSV_BASE[1:]:
        value = profile.get(key)
        if isinstance(value, Mapping):
            value = _pairs(value)
        row.append("" if value is None else value)
    framing = profile.get("framing", {})
    quoted = profile.get("framing_quoted", {})
    row += [framing.get(s, 0) for s in sides] + [quoted.get(s, 0) for s in sides]
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(row)
    return buf.getvalue()


class CorpusTotals:
    """Running totals over document profiles; ``state()`` and ``from_state()`` round-trip as JSON.

    >>> t = CorpusTotals()
    >>> t.add({"status": "ok", "annotations": 2, "entries": {"uyghur": 2}, "framing": {"un": 1}})
    >>> t.add({"status": "skipped", "kind": "empty"})
    >>> t.documents, t.counts["annotated"], t.counters["entries"]["uyghur"], t.counters["entry_documents"]["uyghur"]
    (2, 1, 2, 1)
    """

    def __init__(self) -> None:
        self.documents = 0
        self.counts: Counter[str] = Counter()
        self.counters: dict[str, Counter[str]] = {}
        for name in (*_COUNTERS, "entry_documents", "side_documents", "languages", "encodings", "formats", "problems"):
            self.counters[name] = Counter()

    def add(self, profile: Mapping[str, Any]) -> None:
        """Count one document's profile."""
        self.documents += 1
        status = profile.get("status", "ok")
        self.counts["annotated" if status == "ok" else status] += 1
        if status != "ok":
            self.counters["problems"][profile.get("kind", status)] += 1
            self.counts["bytes"] += profile.get("bytes", 0)
            return
        for key in _SUMS:
            self.counts[key] += profile.get(key, 0)
        if profile.get("warnings"):
            self.counts["warnings"] += 1
        for name in _COUNTERS:
            self.counters[name].update(profile.get(name, {}))
        self.counters["entry_documents"].update(profile.get("entries", {}).keys())
        self.counters["side_documents"].update(profile.get("framing", {}).keys())
        for key, counter in (("lang", "languages"), ("encoding", "encodings"), ("format", "formats")):
            if profile.get(key):
                self.counters[counter][profile[key]] += 1

    def state(self) -> dict[str, Any]:
        """The totals as JSON-ready data (for the checkpoint of a resumable run)."""
        return {
            "documents": self.documents,
            "counts": dict(self.counts),
            "counters": {k: dict(v) for k, v in self.counters.items()},
        }

    @classmethod
    def from_state(cls, data: Mapping[str, Any]) -> CorpusTotals:
        """Totals restored from :meth:`state`."""
        totals = cls()
        totals.documents = int(data["documents"])
        totals.counts = Counter(data["counts"])
        for name, values in data["counters"].items():
            totals.counters[name] = Counter(values)
        return totals

    def profile(self) -> dict[str, Any]:
        """The corpus profile: the same fields as a document's, summed, plus document counts."""
        c, k = self.counts, self.counters
        out: dict[str, Any] = {"documents": self.documents}
        for key in ("annotated", "skipped", "failed", "warnings"):
            out[key] = c.get(key, 0)
        for key in _SUMS:
            out[key] = c.get(key, 0)
        for name in _COUNTERS:
            out[name] = _sorted(k[name])
        out["entry_documents"] = _sorted(k["entry_documents"])
        out["side_documents"] = _sorted(k["side_documents"])
        for name in ("languages", "encodings", "formats", "problems"):
            out[name] = _sorted(k[name])
        return out

    def top_entries(self, labels: Mapping[str, str], limit: int = 20) -> list[dict[str, Any]]:
        """The most frequent entries with their label, documents, loaded and quoted counts."""
        k = self.counters
        rows = []
        for entry, count in list(_sorted(k["entries"]).items())[:limit]:
            rows.append(
                {
                    "entry": entry,
                    "label": labels.get(entry, entry),
                    "count": count,
                    "documents": k["entry_documents"].get(entry, 0),
                    "loaded": k["entries_loaded"].get(entry, 0),
                    "quoted": k["entries_quoted"].get(entry, 0),
                }
            )
        return rows


def corpus_csv_profile(totals: CorpusTotals) -> dict[str, Any]:
    """The corpus row of summary.csv."""
    p = totals.profile()
    return {**p, "source": "", "id": "", "status": f"{p['annotated']} ok, {p['skipped']} skipped, {p['failed']} failed"}


def sides_of(used_by: Iterable[str]) -> list[str]:
    """The ``used_by`` sides in the glossary vocabulary's order (the framing columns)."""
    return list(dict.fromkeys(used_by))

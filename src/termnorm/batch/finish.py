"""The last step of a run: summary.json, summary.csv and report.html, built from the parts."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..compiled import Glossary
from .highlight import term_info
from .outputs import RunFolder, write_summary_csv, write_summary_json
from .report import PROBLEMS_SHOWN, ReportData, write_report
from .summary import CorpusTotals, corpus_csv_profile, csv_row

if TYPE_CHECKING:
    from .engine import BatchOptions

TOP_ENTRIES = 20


def build_outputs(folder: RunFolder, glossary: Glossary, options: BatchOptions, totals: CorpusTotals, terms: set[int]) -> None:
    """Write summary.json, summary.csv and report.html into the run's working folder."""
    from .. import __version__

    folder.sync()
    labels = {eid: e.label for eid, e in glossary.entries.items()}
    corpus = totals.profile()
    head: dict[str, Any] = {
        "termnorm": __version__,
        "glossary": {"hash": glossary.content_hash[:16], "entries": len(glossary.entries)},
        "settings": {
            "style": options.style,
            "fuzzy": options.fuzzy,
            "text_field": options.text_field,
            "id_field": options.id_field,
        },
        "corpus": corpus,
        "top_entries": totals.top_entries(labels, TOP_ENTRIES),
    }
    write_summary_json(folder.part("summary.json.new"), head, folder.lines("documents.jsonl"))
    sides = list(glossary.vocabulary.used_by)
    write_summary_csv(
        folder.part("summary.csv.new"), folder.part("summary.csv"), csv_row(corpus_csv_profile(totals), sides, "corpus")
    )
    write_report(folder.part("report.html.new"), _report_data(folder, glossary, options, totals, terms))


def _report_data(
    folder: RunFolder, glossary: Glossary, options: BatchOptions, totals: CorpusTotals, terms: set[int]
) -> ReportData:
    corpus = totals.profile()
    entries = []
    for row in totals.top_entries({eid: e.label for eid, e in glossary.entries.items()}, limit=len(corpus["entries"])):
        entry = glossary.entries.get(row["entry"])
        entries.append({**row, "category": entry.category if entry else ""})
    chart, shown = [], 0
    for seq, profile in enumerate(_profiles(folder, options.report_documents)):
        if profile.get("status") == "ok":
            chart.append({**profile, "seq": seq})
            shown += 1
    problems = [json.loads(line) for line in folder.lines("errors.jsonl", PROBLEMS_SHOWN)]
    notes = []
    if corpus["warnings"]:
        notes.append(f"{corpus['warnings']} documents had invalid bytes, replaced by U+FFFD (see their warnings).")
    inputs = ", ".join(options.inputs)
    n = corpus["documents"]
    return ReportData(
        title=f"termnorm report: {n:,} document{'s' if n != 1 else ''}",
        subtitle=f"Inputs: {inputs} · house style {options.style} · glossary {glossary.content_hash[:12]} ({len(glossary.entries)} entries)",
        corpus=corpus,
        entries=entries,
        sides=dict(glossary.vocabulary.used_by),
        chart=chart,
        problems=problems,
        term_notes="".join(term_info(i, glossary.terms[i], glossary) for i in sorted(terms) if i < len(glossary.terms)),
        fragments=folder.part("report-documents.html"),
        shown=shown,
        notes=notes,
    )


def _profiles(folder: RunFolder, limit: int) -> Iterator[dict[str, Any]]:
    for line in folder.lines("documents.jsonl", limit):
        yield json.loads(line)

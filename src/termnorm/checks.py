"""Curator tooling: checking the glossary beyond schema validity, and counting what it holds."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .compiled import Glossary, load_glossary
from .derive import opencc_mismatches
from .errors import GlossaryError, GlossaryErrors
from .fold import fold_key


@dataclass
class CheckReport:
    """Errors make the glossary unusable; warnings are worth a curator's look."""

    errors: list[GlossaryError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    ambiguous: list[str] = field(default_factory=list)
    glossary: Glossary | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


def check_glossary(path: str | Path | None = None, extra: Sequence[str | Path] = ()) -> CheckReport:
    """Validate and compile a glossary, then look for problems a schema cannot see."""
    report = CheckReport()
    try:
        g = load_glossary(path, extra, cache=False)
    except GlossaryErrors as exc:
        report.errors = list(exc.errors)
        return report
    except GlossaryError as exc:
        report.errors = [exc]
        return report
    report.glossary = g
    for entry in g.entries.values():
        keys: dict[str, str] = {}
        for t in entry.terms:
            key = fold_key(t.form, g.table)
            if not key:
                report.errors.append(
                    GlossaryError(
                        "form folds to nothing and can never match", file=entry.file, line=t.line, entry=entry.id, term=t.form
                    )
                )
            elif key in keys and not t.derived and keys[key] != t.form:
                report.warnings.append(
                    f"{t.file}:{t.line} entry '{entry.id}': '{t.form}' matches exactly like '{keys[key]}' (only case, accents, spacing or script differ)"
                )
            keys.setdefault(key, t.form)
            if t.loaded and not (t.sources or entry.sources):
                report.errors.append(
                    GlossaryError("loaded term without a source", file=entry.file, line=t.line, entry=entry.id, term=t.form)
                )
            if t.ambiguous or (t.context and not t.derived):
                report.ambiguous.append(f"{entry.id}: '{t.form}' ({t.lang}) — {t.ambiguous or 'context rules'}")
            elif t.script == "latin" and " " not in key and len(key) <= 3 and not t.case_sensitive:
                report.warnings.append(
                    f"{t.file}:{t.line} entry '{entry.id}': short form '{t.form}' may hit ordinary words; mark it ambiguous, case_sensitive or add context"
                )
        report.warnings += _self_match_problems(g, entry)
        for term, rendering in opencc_mismatches(entry):
            report.warnings.append(
                f"{term.file}:{term.line} entry '{entry.id}': OpenCC renders the simplified form as '{rendering}', not the typed '{term.form}' (both are matched)"
            )
        if entry.loaded and not entry.neutral:
            report.errors.append(
                GlossaryError("loaded entry without a neutral alternative", file=entry.file, line=entry.line, entry=entry.id)
            )
    return report


def _self_match_problems(g: Glossary, entry: Any) -> list[str]:
    """Forms that cannot be found even in a text that is nothing but the form itself.

    This is how a form that another form always shadows shows up: the longer (or conflicting)
    form wins the span, so the shadowed one never reaches an annotation.
    """
    problems = []
    index = {id(t): i for i, t in enumerate(g.terms)}
    for t in entry.terms:
        if t.derived or t.case_sensitive:
            continue
        matches = g.matcher.find(t.form)
        whole = [m for m in matches if m.start == 0 and m.end == len(t.form)]
        if not whole:
            found = ", ".join(f"'{t.form[m.start : m.end]}'" for m in matches) or "nothing"
            problems.append(f"{t.file}:{t.line} entry '{entry.id}': form '{t.form}' never matches as a whole (found {found})")
        elif index.get(id(t)) not in whole[0].terms:
            other = g.terms[whole[0].terms[0]]
            problems.append(
                f"{t.file}:{t.line} entry '{entry.id}': form '{t.form}' is always taken by '{other.form}' ({other.entry})"
            )
    return problems


def glossary_stats(g: Glossary) -> dict[str, Any]:
    """Entries and forms by category, language, type and status; loaded share; derived forms."""
    terms = g.terms
    loaded = sum(t.loaded for t in terms)
    return {
        "entries": len(g.entries),
        "forms": len(terms),
        "derived_forms": sum(t.derived is not None for t in terms),
        "loaded_forms": loaded,
        "loaded_share": round(loaded / len(terms), 3) if terms else 0.0,
        "loaded_entries": sum(e.loaded for e in g.entries.values()),
        "languages": dict(Counter(t.lang for t in terms).most_common()),
        "categories": dict(Counter(e.category for e in g.entries.values()).most_common()),
        "types": dict(Counter(t.type for t in terms).most_common()),
        "statuses": dict(Counter(t.status for t in terms).most_common()),
        "used_by": dict(Counter(w for t in terms for w in t.used_by).most_common()),
        "ambiguous_forms": sum(bool(t.ambiguous) for t in terms),
        "sources": len({s for e in g.entries.values() for s in e.sources} | {s for t in terms for s in t.sources}),
        "styles": sorted(g.styles),
        "match_keys": len(g.matcher.keys),
    }

"""Rewriting spelling variants to a house style; framing is rewritten only when asked."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from .annotate import Annotation, annotate_text, neutral_spans
from .compiled import Glossary
from .rewrite import RewriteOptions


@dataclass(frozen=True, slots=True)
class Change:
    """One rewrite: ``original`` at ``[start, end)`` of the input became ``replacement``."""

    start: int
    end: int
    original: str
    replacement: str
    entry: str
    term: str
    type: str
    reason: str  # "spelling", "script", "neutral wording", "typo"


@dataclass(frozen=True, slots=True)
class NormalizeResult:
    """The normalized text and every change made to get it."""

    text: str
    changes: tuple[Change, ...]


def normalize_text(
    text: str,
    glossary: Glossary,
    *,
    style: str = "default",
    options: RewriteOptions | None = None,
) -> NormalizeResult:
    """Rewrite spelling variants in ``text`` to the style's preferred forms.

    Text outside the rewritten spans is left exactly as it was; normalizing the result again
    changes nothing. A rewrite can make a neighbouring form readable for the first time (a typo
    next to a respelled word), so passes repeat until nothing changes; the changes are reported
    against the caller's text.

    >>> from termnorm import load_glossary
    >>> normalize_text("UIGHUR leaders and the Uighurs' homes", load_glossary()).text
    "UYGHUR leaders and the Uyghurs' homes"
    """
    options = options or RewriteOptions()
    current = text
    changes: list[Change] = []
    for _ in range(_MAX_PASSES):
        more = _one_pass(current, glossary, style, options)
        if not more:
            break
        changes = _compose(text, changes, more) if changes else more
        current = _apply(current, more)
    return NormalizeResult(current, tuple(changes))


_MAX_PASSES = 4


def _one_pass(text: str, glossary: Glossary, style: str, options: RewriteOptions) -> list[Change]:
    """The changes one annotation pass asks for, in text order."""
    changes: list[Change] = []
    neutral = neutral_spans(text, glossary) if options.rewrite_loaded else []
    for a in annotate_text(text, glossary, style=style, options=options):
        if a.preferred == a.text:
            continue
        if any(s < a.end and a.start < e for s, e in neutral):
            continue  # inside a neutral wording (often one this function wrote): kept as curated
        changes.append(Change(a.start, a.end, a.text, a.preferred, a.entry, a.term, a.type, _reason(a)))
    return changes


def _reason(a: Annotation) -> str:
    if a.match == "fuzzy":
        return "typo"
    if a.type == "misspelling":
        return "spelling"
    if a.loaded or a.type == "framing":
        return "neutral wording"
    if a.lang.startswith("zh-") and a.type == "translation":
        return "script"
    return "spelling"


def _apply(text: str, changes: list[Change]) -> str:
    """``text`` with every (sorted, non-overlapping) change made."""
    pieces, pos = [], 0
    for c in changes:
        pieces += [text[pos : c.start], c.replacement]
        pos = c.end
    pieces.append(text[pos:])
    return "".join(pieces)


def _compose(original: str, first: list[Change], second: list[Change]) -> list[Change]:
    """Changes on ``original`` equal to making ``first`` and then ``second`` (made on the result).

    A later change that overlaps or touches an earlier one absorbs it: the merged change runs
    from the original text to the final text and carries the later change's entry.

    >>> c = lambda s, e, o, r: Change(s, e, o, r, "x", o, "spelling", "spelling")
    >>> first = [c(0, 6, "Uighur", "Uyghur")]
    >>> second = [c(0, 24, "Uyghur Autonomous RegonA", "Uyghur Autonomous Region")]
    >>> [(m.start, m.end, m.original, m.replacement) for m in _compose("Uighur Autonomous RegonA x", first, second)]
    [(0, 24, 'Uighur Autonomous RegonA', 'Uyghur Autonomous Region')]
    """
    placed, shift = [], 0  # where each first change lies in the intermediate text
    for change in first:
        start = change.start + shift
        placed.append((start, start + len(change.replacement), change))
        shift += len(change.replacement) - (change.end - change.start)
    mid = _apply(original, first)

    def to_original(pos: int, *, end: bool) -> int:
        delta = 0
        for mstart, mend, change in placed:
            if mstart <= pos <= mend and (mstart < pos < mend or pos == (mend if end else mstart)):
                return change.end if end else change.start
            if mend <= pos:
                delta = mend - change.end
        return pos - delta

    merged: list[Change] = []
    used: set[int] = set()
    for d in second:
        lo, hi = d.start, d.end
        for i, (mstart, mend, _) in enumerate(placed):
            if mstart < hi and lo < mend:
                used.add(i)
                lo, hi = min(lo, mstart), max(hi, mend)
        ostart, oend = to_original(lo, end=False), to_original(hi, end=True)
        replacement = mid[lo : d.start] + d.replacement + mid[d.end : hi]
        merged.append(Change(ostart, oend, original[ostart:oend], replacement, d.entry, d.term, d.type, d.reason))
    kept = [change for i, (_, _, change) in enumerate(placed) if i not in used]
    return sorted(kept + merged, key=lambda change: change.start)


def unified_diff(original: str, normalized: str, name: str = "-") -> str:
    """A unified diff between the input and the normalized text.

    >>> print(unified_diff("Uighur\\n", "Uyghur\\n", "a.txt"), end="")
    --- a.txt
    +++ a.txt (normalized)
    @@ -1 +1 @@
    -Uighur
    +Uyghur
    """
    lines = difflib.unified_diff(
        original.splitlines(keepends=True),
        normalized.splitlines(keepends=True),
        fromfile=name,
        tofile=f"{name} (normalized)",
    )
    out = []
    for line in lines:
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)

"""Rewriting spelling variants to a house style; framing is rewritten only when asked."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from .annotate import annotate_text
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
    changes nothing.

    >>> from termnorm import load_glossary
    >>> normalize_text("UIGHUR leaders and the Uighurs' homes", load_glossary()).text
    "UYGHUR leaders and the Uyghurs' homes"
    """
    options = options or RewriteOptions()
    pieces: list[str] = []
    changes: list[Change] = []
    pos = 0
    for a in annotate_text(text, glossary, style=style, options=options):
        if a.preferred == a.text:
            continue
        pieces.append(text[pos : a.start])
        pieces.append(a.preferred)
        pos = a.end
        if a.match == "fuzzy":
            reason = "typo"
        elif a.type == "misspelling":
            reason = "spelling"
        elif a.loaded or a.type == "framing":
            reason = "neutral wording"
        elif a.lang.startswith("zh-") and a.type == "translation":
            reason = "script"
        else:
            reason = "spelling"
        changes.append(Change(a.start, a.end, a.text, a.preferred, a.entry, a.term, a.type, reason))
    if not changes:
        return NormalizeResult(text, ())
    pieces.append(text[pos:])
    return NormalizeResult("".join(pieces), tuple(changes))


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

"""``annotate --explain``: for each match, the form, fold or fuzzy rule that fired, and what lost."""

from __future__ import annotations

from .annotate import DocumentResult
from .compiled import Glossary
from .formats import line_col, render_document


def explain_document(text: str, glossary: Glossary, result: DocumentResult, *, color: bool = False) -> str:
    """The terminal view with, under each match, the overlapping candidates it beat."""
    matcher = glossary.matcher
    folded = matcher.fold(text)
    candidates = matcher.candidates(text, folded)
    out = [render_document(result, text, color=color, explain=True)]
    for a in result.annotations:
        losers = []
        for c in candidates:
            s, e = folded.to_original(c.start, c.stop)
            if (s, e) != (a.start, a.end) and s < a.end and a.start < e:
                term = matcher.terms[c.terms[0]]
                losers.append(f"'{text[s:e]}' as {term.entry} ({term.form})")
        if losers:
            line, col = line_col(text, a.start)
            out.append(f"  {line}:{col} '{a.text}' won over: " + "; ".join(losers) + "\n")
    return "".join(out)

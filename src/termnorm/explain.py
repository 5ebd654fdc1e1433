"""``annotate --explain``: for each match, the form, fold or fuzzy rule that fired, and what lost.

Under the usual terminal view come, per match, the rule that produced it (a glossary form, a
spelling variant the compiler derived, a fold, or the typos a fuzzy match tolerated and the
limits that allowed them), whether a fuzzy match would be rewritten, and the overlapping
candidates it beat. Last come the *near misses*: tokens within typo distance of a glossary
token that were left alone, with the reason (an English word, the stop list, the rest of a
multi-word form missing), so that a reader sees why nothing was reported there.
"""

from __future__ import annotations

from dataclasses import replace

from .annotate import Annotation, DocumentResult
from .compiled import Glossary
from .fold import Folded
from .formats import line_col, render_document
from .fuzzy import FuzzyCandidate, fuzzy_candidates, near_misses
from .rewrite import RewriteOptions
from .typo_index import max_edits


def explain_document(
    text: str, glossary: Glossary, result: DocumentResult, *, color: bool = False, options: RewriteOptions | None = None
) -> str:
    """The terminal view with, under each match, why it matched and the candidates it beat.

    >>> from termnorm import annotate_document, load_glossary
    >>> g = load_glossary()
    >>> text = "Muslim and muslin"
    >>> print(explain_document(text, g, annotate_document(text, g)).splitlines()[-1])
      1:12  'muslin' not read as 'muslim': an English word
    """
    options = options or RewriteOptions()
    folded = glossary.matcher.fold(text)
    fuzzy = fuzzy_candidates(text, folded, glossary)
    full = render_document(result, text, color=color, explain=True)
    out = [full.split("\n", 1)[0] + "\n"]
    for a in result.annotations:
        # The usual lines of this match, then why it matched and what it beat.
        out.append(render_document(replace(result, annotations=(a,)), text, color=color, explain=True).split("\n", 1)[1])
        details = _fuzzy_details(a, text, folded, fuzzy, options) if a.match == "fuzzy" else []
        losers = _losers(a, text, folded, glossary, fuzzy)
        if losers:
            details.append("won over: " + "; ".join(losers))
        out += [f"      {d}\n" for d in details]
    misses = near_misses(text, folded, glossary)
    if misses:
        out.append("  near misses, left alone:\n")
        for n in misses:
            line, col = line_col(text, n.start)
            out.append(f"  {line}:{col}  '{n.text}' not read as '{n.target}': {n.reason}\n")
    return "".join(out)


def _fuzzy_details(a: Annotation, text: str, folded: Folded, fuzzy: list[FuzzyCandidate], options: RewriteOptions) -> list[str]:
    """How a fuzzy match was read: each typo against its limit, and whether it is rewritten."""
    lines = []
    for c in fuzzy:
        if folded.to_original(c.start, c.stop) != (a.start, a.end):
            continue
        for fa, fb, target, edits in c.fixes:
            s, e = folded.to_original(fa, fb)
            limit = max_edits(len(target), cyrillic=any("\u0400" <= ch <= "\u052f" for ch in target))
            lines.append(f"read '{text[s:e]}' as '{target}': {edits} of {limit} edits allowed for {len(target)} letters")
        break
    if a.ambiguous:
        lines.append("ambiguous: never rewritten")
    elif a.preferred != a.text:
        lines.append(f"score {a.score:.1f}: normalize writes '{a.preferred}'")
    elif a.score < options.strict_fuzzy_score:
        lines.append(f"score {a.score:.1f} < {options.strict_fuzzy_score:.0f}: flagged only (normalize --fix-typos rewrites it)")
    return lines


def _losers(a: Annotation, text: str, folded: Folded, glossary: Glossary, fuzzy: list[FuzzyCandidate]) -> list[str]:
    """Overlapping exact and fuzzy candidates that were not chosen."""
    matcher = glossary.matcher
    out = []
    for c in matcher.candidates(text, folded):
        s, e = folded.to_original(c.start, c.stop)
        if (s, e) != (a.start, a.end) and s < a.end and a.start < e:
            term = matcher.terms[c.terms[0]]
            out.append(f"'{text[s:e]}' as {term.entry} ({term.form}, {c.rule})")
    best: dict[tuple[int, int, str], FuzzyCandidate] = {}
    for f in fuzzy:
        s, e = folded.to_original(f.start, f.stop)
        entry = matcher.terms[f.terms[0]].entry
        overlaps = s < a.end and a.start < e and not ((s, e) == (a.start, a.end) and a.match == "fuzzy")
        if overlaps and ((s, e, entry) not in best or f.score > best[s, e, entry].score):
            best[s, e, entry] = f
    for (s, e, entry), f in best.items():
        out.append(f"'{text[s:e]}' as {entry} ({matcher.keys[f.key_id].key}, fuzzy {f.score:.1f})")
    return out

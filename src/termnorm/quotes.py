"""Whether a term stands in quotation marks or right after a distancing word ("so-called")."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from operator import attrgetter
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .annotate import Annotation
    from .compiled import Glossary

_PAIRS = {
    "\u201c": "\u201d",
    "\u00ab": "\u00bb",
    "\u2039": "\u203a",
    "\u300c": "\u300d",
    "\u300e": "\u300f",
    "\u2018": "\u2019",
    "\u201e": "\u201c",
    "\u301d": "\u301e",
    '"': '"',
}
_CLOSERS = set(_PAIRS.values())
_QUOTE_RE = re.compile('[\u201c\u201d\u00ab\u00bb\u2039\u203a\u300c\u300d\u300e\u300f\u2018\u2019\u201e\u301d\u301e"]|\n[ \t]*\n')
_SENTENCE_END = re.compile(r"[.!?;。！？；\n]")

Regions = tuple[tuple[int, ...], tuple[int, ...]]


def quote_regions(text: str) -> Regions:
    """Spans of ``text`` inside quotation marks, as (starts, ends).

    An unclosed quotation runs to the end of its paragraph (the press convention for quotes
    that go on over several paragraphs). ``’`` between letters is an apostrophe, not a quote.

    >>> starts, ends = quote_regions('He said “three evil forces” and ‘so on’. It’s done.')
    >>> list(zip(starts, ends))
    [(8, 27), (32, 39)]
    """
    stack: list[tuple[str, int]] = []
    regions: list[tuple[int, int]] = []
    for m in _QUOTE_RE.finditer(text):
        ch, pos = m.group(), m.start()
        if ch[0] == "\n":
            regions += [(start, pos) for _, start in stack]
            stack.clear()
            continue
        prev = text[pos - 1] if pos else " "
        nxt = text[pos + 1] if pos + 1 < len(text) else " "
        if ch in "\u2018\u2019" and prev.isalnum() and nxt.isalnum():
            continue  # apostrophe: it’s, Xinjiang’s
        if ch == "\u2019" and prev.isalnum() and not any(o == "\u2018" for o, _ in stack):
            continue  # possessive apostrophe: Uyghurs’ homes
        if stack and _PAIRS.get(stack[-1][0]) == ch:
            _, start = stack.pop()
            regions.append((start, pos + 1))
        elif ch in _PAIRS and (ch not in _CLOSERS or ch == '"' or ch == "\u201c"):
            stack.append((ch, pos))
    regions += [(start, len(text)) for _, start in stack]
    merged: list[tuple[int, int]] = []
    for start, end in sorted(regions):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return tuple(s for s, _ in merged), tuple(e for _, e in merged)


def in_regions(regions: Regions, start: int, end: int) -> bool:
    """True when ``[start, end)`` lies inside one of the (merged, disjoint) regions."""
    starts, ends = regions
    i = bisect_right(starts, start) - 1
    return i >= 0 and ends[i] >= end


def distanced(text: str, annotations: Sequence[Annotation], glossary: Glossary) -> list[Annotation]:
    """Mark the term right after a distancing word ("so-called", 所谓) as quoted.

    "Right after" means within three words (or eight characters of Han script) and in the same
    sentence.
    """
    distancing = glossary.distancing
    entries = list(map(_entry_of, annotations))
    found = distancing.intersection(entries)
    if not found:  # the common case, without a loop in Python
        return annotations if isinstance(annotations, list) else list(annotations)
    out = list(annotations)
    for i in sorted(_positions(entries, found)):
        a = out[i]
        if i + 1 >= len(out):
            continue
        nxt = out[i + 1]
        gap = text[a.end : nxt.start]
        if _SENTENCE_END.search(gap) or len(gap.split()) > 3 or len(gap) > 40:
            continue
        if nxt.quoted:
            continue
        out[i + 1] = nxt._replace(quoted=True, quote_reason=a.text)
    return out


_entry_of = attrgetter("entry")


def _positions(items: list[str], wanted: set[str] | frozenset[str]) -> Iterator[int]:
    """Where the ``wanted`` values stand in ``items`` (list.index scans in C: a long text's
    hundreds of thousands of annotations hold a distancing word only here and there)."""
    for value in wanted:
        i = -1
        while True:
            try:
                i = items.index(value, i + 1)
            except ValueError:
                break
            yield i

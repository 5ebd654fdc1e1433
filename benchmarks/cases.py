"""Small texts that peers get wrong: each with the spans a correct tool reports.

A tool passes a case when the spans it reports are exactly the expected ones, as offsets into the
text it was given. The raw automaton reports no offsets, so it is judged by its hit count.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Case:
    """A text with the expected matches marked ``[[like this]]``, and the glossary form it is about."""

    label: str
    marked: str
    form: str  # must be a form of the glossary for the case to apply

    @property
    def text(self) -> str:
        """The text as the tools see it (markers removed)."""
        return self.marked.replace("[[", "").replace("]]", "")

    def spans(self) -> list[tuple[int, int]]:
        """The marked matches as (start, end) offsets into :attr:`text`."""
        out = []
        rest = self.marked
        offset = 0
        while "[[" in rest:
            before, rest = rest.split("[[", 1)
            inner, rest = rest.split("]]", 1)
            start = offset + len(before)
            out.append((start, start + len(inner)))
            offset = start + len(inner)
        return out


CASES = (
    Case("casefolding changes length (İ, ß before the term)", "İSTANBUL, Straße: [[Uyghur]] families", "Uyghur"),
    Case("no-break space inside a phrase", "fighting the [[three\u00a0evil forces]]", "three evil forces"),
    Case("line break inside a phrase", "fighting the [[three evil\nforces]]", "three evil forces"),
    Case("soft hyphen inside a word", "the [[Uy\u00adghur]] families", "Uyghur"),
    Case("Chinese without spaces", "他说[[新疆维吾尔自治区]]政府", "新疆维吾尔自治区"),
    Case("digits next to a Chinese term", "2019年[[新疆]]的", "新疆"),
    Case("digits glued to a Latin word (no match)", "Uyghur2 and [[Uyghur]]", "Uyghur"),
)


def applicable(forms: Sequence[str]) -> list[Case]:
    """The cases whose form the glossary has."""
    folded = {f.casefold() for f in forms}
    return [c for c in CASES if c.form.casefold() in folded]


def verdict(case: Case, spans: list[tuple[int, int]] | None, count: int) -> str:
    """ "ok" or a short description of what the tool reported instead."""
    expected = case.spans()
    if spans is None:
        return "ok" if count == len(expected) else f"{count} hits"
    if sorted(spans) == expected:
        return "ok"
    if not spans:
        return "missed"
    return ", ".join(repr(case.text[s:e]) for s, e in sorted(spans))

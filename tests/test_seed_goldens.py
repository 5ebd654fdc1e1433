"""The five seed articles: annotate finds every contested term of the hand-checked goldens, and nothing else.

The goldens are data (tests/golden/seeds/<seed stem>.yaml, described in the README there). Each
seed is annotated with the shipped glossary and typo matching on, as ``termnorm annotate`` does,
and its ``(start, end, entry)`` set is compared with the golden: recall and precision must both
be 100 %. An occurrence the engine cannot find yet carries ``known_miss`` in the golden and runs
as its own strict xfail, so fixing it shows up as a failure to clear.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
import yaml

from termnorm import Annotation, Glossary, annotate_document

TESTS = Path(__file__).resolve().parent
SEEDS = TESTS.parent / "seeds"
GOLDEN = TESTS / "golden" / "seeds"

Span = tuple[int, int, str]  # start, end, entry


@dataclass(frozen=True)
class Occurrence:
    """One term occurrence of a golden: where it is, which entry it stands for."""

    text: str
    start: int
    entry: str
    quoted: bool | None = None
    why: str | None = None
    known_miss: str | None = None

    @property
    def end(self) -> int:
        return self.start + len(self.text)

    @property
    def span(self) -> Span:
        return (self.start, self.end, self.entry)


@dataclass(frozen=True)
class NotTerm:
    """A span inside which nothing may be annotated."""

    text: str
    start: int
    why: str

    @property
    def end(self) -> int:
        return self.start + len(self.text)


@dataclass(frozen=True)
class Golden:
    stem: str
    occurrences: tuple[Occurrence, ...]
    not_terms: tuple[NotTerm, ...]

    @property
    def text(self) -> str:
        return seed_text(self.stem)


@cache
def seed_text(stem: str) -> str:
    """The seed as termnorm reads a file: UTF-8, line ends untouched."""
    return (SEEDS / f"{stem}.txt").read_bytes().decode("utf-8-sig")


def load_golden(path: Path) -> Golden:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["seed"] == f"{path.stem}.txt", f"{path.name}: 'seed' names another file"
    occurrences = tuple(Occurrence(**o) for o in data["occurrences"])
    not_terms = tuple(NotTerm(**n) for n in data.get("not_terms") or ())
    return Golden(path.stem, occurrences, not_terms)


GOLDENS = [load_golden(p) for p in sorted(GOLDEN.glob("*.yaml"))]


def by_seed() -> list[Any]:
    return [pytest.param(g, id=g.stem) for g in GOLDENS]


def known_misses() -> list[Any]:
    return [
        pytest.param(g, o, id=f"{g.stem}:{o.start}:{o.text}", marks=pytest.mark.xfail(strict=True, reason=o.known_miss))
        for g in GOLDENS
        for o in g.occurrences
        if o.known_miss
    ]


def not_terms() -> list[Any]:
    return [pytest.param(g, n, id=f"{g.stem}:{n.start}:{n.text}") for g in GOLDENS for n in g.not_terms]


@pytest.fixture(scope="module")
def annotations(real_glossary: Glossary) -> Callable[[Golden], tuple[Annotation, ...]]:
    """The annotations of a seed, as ``termnorm annotate`` finds them (computed once per seed)."""
    found: dict[str, tuple[Annotation, ...]] = {}

    def get(golden: Golden) -> tuple[Annotation, ...]:
        if golden.stem not in found:
            result = annotate_document(golden.text, real_glossary, source=f"seeds/{golden.stem}.txt", fuzzy=True)
            found[golden.stem] = result.annotations
        return found[golden.stem]

    return get


def rate(hits: int, total: int) -> str:
    return f"{hits}/{total} ({100 * hits / total:.1f} %)" if total else "0/0"


def test_every_seed_has_a_golden() -> None:
    assert sorted(g.stem for g in GOLDENS) == sorted(p.stem for p in SEEDS.glob("*.txt"))


@pytest.mark.parametrize("golden", by_seed())
def test_golden_spans_index_the_seed(golden: Golden, real_glossary: Glossary) -> None:
    """Each occurrence and not-term is found at its offset, occurrences do not overlap, entries exist."""
    text = golden.text
    for item in (*golden.occurrences, *golden.not_terms):
        assert text[item.start : item.end] == item.text, f"{item.text!r} is not at {item.start}: {text[item.start : item.end]!r}"
    ordered = sorted(golden.occurrences, key=lambda o: o.start)
    for a, b in pairwise(ordered):
        assert a.end <= b.start, f"{a.text!r}@{a.start} overlaps {b.text!r}@{b.start}"
    unknown = sorted({o.entry for o in golden.occurrences} - set(real_glossary.entries))
    assert not unknown, f"entries not in the glossary: {unknown}"


@pytest.mark.parametrize("golden", by_seed())
def test_seed_recall_and_precision(
    golden: Golden, annotations: Callable[[Golden], tuple[Annotation, ...]], record_property: Callable[[str, object], None]
) -> None:
    """annotate finds every golden occurrence (except the known misses, xfailed below) and nothing more."""
    found = {(a.start, a.end, a.entry) for a in annotations(golden)}
    expected = {o.span for o in golden.occurrences}
    waived = {o.span for o in golden.occurrences if o.known_miss}
    hits = len(found & expected)
    recall, precision = rate(hits, len(expected)), rate(hits, len(found))
    record_property("recall", recall)
    record_property("precision", precision)
    text = golden.text
    missed = sorted(expected - found - waived)
    extra = sorted(found - expected)
    report = [f"{golden.stem}: recall {recall}, precision {precision}, known misses {len(waived)}"]
    report += [f"  missed {text[s:e]!r}@{s} -> {entry}" for s, e, entry in missed]
    report += [f"  extra  {text[s:e]!r}@{s} -> {entry}" for s, e, entry in extra]
    assert not missed and not extra, "\n".join(report)


@pytest.mark.parametrize(("golden", "occurrence"), known_misses())
def test_known_miss(golden: Golden, occurrence: Occurrence, annotations: Callable[[Golden], tuple[Annotation, ...]]) -> None:
    """An occurrence the engine does not find yet; remove ``known_miss`` from the golden once it does."""
    assert occurrence.span in {(a.start, a.end, a.entry) for a in annotations(golden)}


@pytest.mark.parametrize(("golden", "not_term"), not_terms())
def test_not_term_is_not_annotated(
    golden: Golden, not_term: NotTerm, annotations: Callable[[Golden], tuple[Annotation, ...]]
) -> None:
    inside = [a for a in annotations(golden) if not_term.start <= a.start and a.end <= not_term.end]
    assert not inside, f"{not_term.why} Found: {[(a.text, a.entry) for a in inside]}"


@pytest.mark.parametrize("golden", by_seed())
def test_quoted_flags(golden: Golden, annotations: Callable[[Golden], tuple[Annotation, ...]]) -> None:
    """Quoted official phrases are reported as quoted; the author's own words are not."""
    by_span = {(a.start, a.end, a.entry): a for a in annotations(golden)}
    wrong = [
        f"{o.text!r}@{o.start}: golden quoted={o.quoted}, annotate quoted={by_span[o.span].quoted}"
        for o in golden.occurrences
        if o.quoted is not None and o.span in by_span and by_span[o.span].quoted != o.quoted
    ]
    assert not wrong, "\n".join(wrong)


def test_same_phrase_quoted_and_in_the_authors_voice(annotations: Callable[[Golden], tuple[Annotation, ...]]) -> None:
    """Seed 000: Geng Shuang's quoted "de-radicalization" is quoted, the reporter's own use is not."""
    golden = next(g for g in GOLDENS if g.stem.startswith("000_"))
    found = {(a.start, a.end, a.entry): a for a in annotations(golden)}
    uses = [found[o.span] for o in golden.occurrences if o.text == "de-radicalization"]
    assert [a.quoted for a in uses] == [True, False, True]
    assert [a.quote_reason for a in uses] == ["quotation marks", None, "quotation marks"]
    papers = next(o for o in golden.occurrences if o.text == "internal documents")
    assert found[papers.span].quoted  # the so-called ‘internal documents’

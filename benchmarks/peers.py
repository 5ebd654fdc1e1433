"""The tools a user might pick instead of termnorm, each set up the way its documentation shows.

Every tool gets the same glossary forms and the same documents. ``run`` is what is timed: it
produces the tool's own output for every document; ``spans`` turns that output into
``(start, end)`` offsets afterwards, untimed, to count and compare matches.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

Spans = list[list[tuple[int, int]]]


@dataclass
class Tool:
    """A matcher under test: how to build it, run it over documents and read its spans."""

    name: str
    build: Callable[[Sequence[str]], Any]
    run: Callable[[Any, Sequence[str]], Any]
    spans: Callable[[Any], Spans | None]  # None: the tool only counts
    count: Callable[[Any], int]
    note: str = ""


def _termnorm(glossary: Any, fuzzy: bool) -> Tool:
    def build(forms: Sequence[str]) -> Any:
        from termnorm import annotate_text

        return lambda text: annotate_text(text, glossary, fuzzy=fuzzy)

    return Tool(
        name="termnorm" + (" (fuzzy)" if fuzzy else ""),
        build=build,
        run=lambda annotate, docs: [annotate(d) for d in docs],
        spans=lambda out: [[(a.start, a.end) for a in doc] for doc in out],
        count=lambda out: sum(len(doc) for doc in out),
        note=f"annotate_text(fuzzy={fuzzy}): full annotations",
    )


def _keyword_processor(module: str) -> Any:
    """A builder of FlashText's or flashtext2's KeywordProcessor (the two share the interface)."""

    def build(forms: Sequence[str]) -> Any:
        kp = importlib.import_module(module).KeywordProcessor(case_sensitive=False)
        for form in forms:
            kp.add_keyword(form)
        return kp

    return build


def _flashtext() -> Tool:
    return Tool(
        name="FlashText",
        build=_keyword_processor("flashtext"),
        run=lambda kp, docs: [kp.extract_keywords(d, span_info=True) for d in docs],
        spans=lambda out: [[(s, e) for _, s, e in doc] for doc in out],
        count=lambda out: sum(len(doc) for doc in out),
        note="KeywordProcessor(case_sensitive=False).extract_keywords(span_info=True)",
    )


def _flashtext2() -> Tool:
    return Tool(
        name="flashtext2",
        build=_keyword_processor("flashtext2"),
        run=lambda kp, docs: [kp.extract_keywords_with_span(d) for d in docs],
        spans=lambda out: [[(s, e) for _, s, e in doc] for doc in out],
        count=lambda out: sum(len(doc) for doc in out),
        note="KeywordProcessor(case_sensitive=False).extract_keywords_with_span",
    )


def _spacy() -> Tool:
    def build(forms: Sequence[str]) -> Any:
        import spacy
        from spacy.matcher import PhraseMatcher
        from spacy.util import filter_spans

        nlp = spacy.blank("en")
        matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        matcher.add("TERM", list(nlp.tokenizer.pipe(forms)))
        return nlp, matcher, filter_spans

    def run(state: Any, docs: Sequence[str]) -> Any:
        nlp, matcher, filter_spans = state
        return [filter_spans(matcher(doc, as_spans=True)) for doc in nlp.tokenizer.pipe(docs, batch_size=256)]

    return Tool(
        name="spaCy PhraseMatcher",
        build=build,
        run=run,
        spans=lambda out: [[(s.start_char, s.end_char) for s in doc] for doc in out],
        count=lambda out: sum(len(doc) for doc in out),
        note='spacy.blank("en"), PhraseMatcher(attr="LOWER"), longest spans kept (filter_spans)',
    )


def _regex() -> Tool:
    def build(forms: Sequence[str]) -> Any:
        alternation = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
        return re.compile(rf"\b(?:{alternation})\b", re.IGNORECASE)

    return Tool(
        name="re alternation",
        build=build,
        run=lambda pattern, docs: [[m.span() for m in pattern.finditer(d)] for d in docs],
        spans=lambda out: out,
        count=lambda out: sum(len(doc) for doc in out),
        note=r"re.compile(r'\b(?:form|form|…)\b', re.IGNORECASE), longest forms first",
    )


def _raw_aho() -> Tool:
    def build(forms: Sequence[str]) -> Any:
        import ahocorasick

        automaton = ahocorasick.Automaton()
        for form in forms:
            automaton.add_word(form.casefold(), len(form))
        automaton.make_automaton()
        return automaton

    def run(automaton: Any, docs: Sequence[str]) -> int:
        total = 0
        for d in docs:
            for _ in automaton.iter(d.casefold()):
                total += 1
        return total

    return Tool(
        name="raw pyahocorasick count",
        build=build,
        run=run,
        spans=lambda out: None,
        count=lambda out: int(out),
        note="automaton.iter(text.casefold()), hits counted: no boundaries, no offsets back, no annotations",
    )


def all_tools(glossary: Any) -> list[tuple[str, Callable[[], Tool], str | None]]:
    """Every tool with the module it needs (None: always available); termnorm uses ``glossary``."""
    return [
        ("termnorm", lambda: _termnorm(glossary, False), None),
        ("termnorm (fuzzy)", lambda: _termnorm(glossary, True), None),
        ("FlashText", _flashtext, "flashtext"),
        ("flashtext2", _flashtext2, "flashtext2"),
        ("spaCy PhraseMatcher", _spacy, "spacy"),
        ("re alternation", _regex, None),
        ("raw pyahocorasick count", _raw_aho, None),
    ]

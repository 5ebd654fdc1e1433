"""Invariants over arbitrary text, with the test glossary and the shipped one (Hypothesis).

- every annotation indexes the caller's original text: ``text[a.start:a.end] == a.text``;
- the folded original slice of every match is the key that matched;
- normalizing twice changes nothing more;
- text outside rewritten spans is untouched (the text is rebuilt from the change records);
- no input crashes annotate, normalize or lookup;
- folding long texts (numpy) and short ones (``str.translate``) gives the same result.
"""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from termnorm import Glossary, LookupNotFoundError, RewriteOptions, annotate_document, annotate_text, lookup, normalize_text
from termnorm import fold as fold_module
from termnorm.fold import fold
from termnorm.matcher import select

# Characters that folding treats specially, and some that it must leave alone.
TRICKY = [
    "\u00a0", "\u00ad", "\u200b", "\u200d", "\u2060", "\ufeff", "\u0301", "\u0308", "\u0640", "\u064b",
    "İ", "ı", "ß", "ẞ", "ſ", "ﬁ", "ŉ", "Σ", "ς", "Ü", "ü", "Ｕ", "ｕ", "－", "＇",
    "新", "疆", "維", "尔", "·", "・", " ", "  ", "\n", "\r\n", "\t", "\u2028", "\u3000",
    "'", "’", "‘", "“", "”", '"', "«", "»", "-", "‐", "‑", "–", "—", "s", "'s", "es",
    "ى", "ي", "ە", "ه", "ﻻ", "ﷲ", "й", "ё", "2", "٣", "𠀀", "😀", "A", "a",
]  # fmt: skip

any_text = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=30)


def _mangle(form: str) -> st.SearchStrategy[str]:
    """A glossary form with invisible or folding characters inserted and its case changed."""
    cut = st.integers(min_value=0, max_value=len(form))
    return st.tuples(cut, st.sampled_from(["", "\u00ad", "\u200d", "\u0301", "  ", "\n", "\u00a0", "-"]), st.booleans()).map(
        lambda t: (form[: t[0]] + t[1] + form[t[0] :]).upper() if t[2] else form[: t[0]] + t[1] + form[t[0] :]
    )


def documents(glossary: Glossary) -> st.SearchStrategy[str]:
    """Text made of glossary forms (some mangled), tricky characters and arbitrary Unicode."""
    forms = sorted({t.form for t in glossary.terms})
    piece = st.one_of(
        st.sampled_from(forms),
        st.sampled_from(forms).flatmap(_mangle),
        st.sampled_from(TRICKY),
        any_text,
    )
    return st.lists(piece, max_size=14).map("".join)


@pytest.fixture(scope="module", params=["fixture", "real"])
def glossary(request: pytest.FixtureRequest) -> Glossary:
    """Each property runs on the test glossary and on the shipped one."""
    return request.getfixturevalue(f"{request.param}_glossary")


PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(data=st.data())
def test_spans_index_the_original_text(glossary: Glossary, data: Any) -> None:
    text = data.draw(documents(glossary))
    found = annotate_text(text, glossary, fuzzy=False)
    last = 0
    for a in found:
        assert 0 <= a.start < a.end <= len(text)
        assert text[a.start : a.end] == a.text
        assert a.start >= last, "annotations overlap or are out of order"
        last = a.end


@PROPERTY
@given(data=st.data())
def test_folded_original_slice_is_the_matched_key(glossary: Glossary, data: Any) -> None:
    """Folded.to_original is consistent: folding the original span of a match gives its key."""
    text = data.draw(documents(glossary))
    matcher = glossary.matcher
    folded = matcher.fold(text)
    for c in select(matcher.candidates(text, folded)):
        key = folded.text[c.start : c.key_end]
        assert key in matcher.key_index
        a, b = folded.to_original(c.start, c.key_end)
        assert matcher.fold(text[a:b]).text == key, (text[a:b], key)


def _normalize_case(glossary: Glossary, data: Any) -> tuple[str, str, RewriteOptions]:
    """A document, a house style and whether loaded terms are rewritten, drawn together."""
    text = data.draw(documents(glossary))
    style = data.draw(st.sampled_from(sorted(glossary.styles)))
    return text, style, RewriteOptions(rewrite_loaded=data.draw(st.booleans()))


@PROPERTY
@given(data=st.data())
def test_normalize_is_idempotent(glossary: Glossary, data: Any) -> None:
    text, style, options = _normalize_case(glossary, data)
    once = normalize_text(text, glossary, style=style, options=options).text
    assert normalize_text(once, glossary, style=style, options=options).text == once


@PROPERTY
@given(data=st.data())
def test_text_outside_rewritten_spans_is_untouched(glossary: Glossary, data: Any) -> None:
    text, style, options = _normalize_case(glossary, data)
    result = normalize_text(text, glossary, style=style, options=options)
    rebuilt, pos = [], 0
    for c in result.changes:
        assert c.start >= pos and c.end > c.start
        assert text[c.start : c.end] == c.original
        rebuilt += [text[pos : c.start], c.replacement]
        pos = c.end
    rebuilt.append(text[pos:])
    assert "".join(rebuilt) == result.text


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=st.characters(exclude_categories=("Cs",))))
def test_arbitrary_unicode_never_crashes(glossary: Glossary, text: str) -> None:
    result = annotate_document(text, glossary)
    for a in result.annotations:
        assert text[a.start : a.end] == a.text
    normalize_text(text, glossary)
    with contextlib.suppress(LookupNotFoundError):
        lookup(text, glossary)


LONG = fold_module._NUMPY_THRESHOLD + 1


@settings(max_examples=25, deadline=None)
@given(sample=st.lists(st.one_of(st.sampled_from(TRICKY), any_text), min_size=1, max_size=20).map("".join))
def test_long_and_short_texts_fold_alike(sample: str, monkeypatch_threshold: Any) -> None:
    text = (sample + "Ü新 ") * (LONG // (len(sample) + 3) + 1)
    assert len(text) > fold_module._NUMPY_THRESHOLD
    vectorised = fold(text)
    with monkeypatch_threshold(len(text) + 1):
        translated = fold(text)
    assert vectorised == translated


@pytest.fixture(scope="module")
def monkeypatch_threshold() -> Any:
    """A context manager that raises the numpy threshold so that a long text takes the short path."""

    @contextlib.contextmanager
    def raised(value: int) -> Any:
        old = fold_module._NUMPY_THRESHOLD
        fold_module._NUMPY_THRESHOLD = value
        try:
            yield
        finally:
            fold_module._NUMPY_THRESHOLD = old

    return raised

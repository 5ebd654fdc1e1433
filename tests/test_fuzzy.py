"""Fuzzy matching: misspelled forms found with their intended term, real words left alone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from termnorm import Glossary, RewriteOptions, annotate_document, annotate_text, load_glossary, normalize_text
from termnorm.explain import explain_document
from termnorm.typo_index import FuzzyIndex, max_edits

NOISY = Path(__file__).parent / "noisy"


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return load_glossary(NOISY / "glossary", cache=False)


def golden() -> list[Any]:
    groups = yaml.safe_load((NOISY / "fuzzy_cases.yaml").read_text(encoding="utf-8"))
    return [pytest.param(case, id=f"{group}: {case['label']}") for group, cases in groups.items() for case in cases]


@pytest.mark.parametrize("case", golden())
def test_fuzzy_golden(case: dict[str, Any], glossary: Glossary) -> None:
    text, expected = case["input"], case["expected"]
    found = annotate_text(text, glossary)
    for a in found:
        assert text[a.start : a.end] == a.text
    # Each annotation is compared on the keys its expected twin gives (extra ones: text, entry).
    observed = [
        {k: getattr(a, k) for k in (expected[i] if i < len(expected) else ("text", "entry"))} for i, a in enumerate(found)
    ]
    assert observed == expected


def test_fuzzy_annotation_carries_score_rule_and_intended_form(glossary: Glossary) -> None:
    (a,) = annotate_text("Reports from Xianjing.", glossary)
    assert a.match == "fuzzy" and 0 < a.score < 100
    assert a.term == "Xinjiang" and a.label == "Xinjiang"
    assert a.rule == "fuzzy: 'Xianjing' ~ 'xinjiang' (2 edits)"
    exact = annotate_text("Reports from Xinjiang.", glossary)[0]
    assert (exact.match, exact.score) == ("exact", 100.0)


def test_fuzzy_matches_can_be_switched_off(glossary: Glossary) -> None:
    assert annotate_text("Uighyur families", glossary, fuzzy=False) == []


def test_normalize_rewrites_only_near_certain_typos_unless_asked(glossary: Glossary) -> None:
    text = "Uighyur families in Xianjing"
    plain = normalize_text(text, glossary)
    assert plain.text == "Uyghur families in Xianjing"
    assert [c.reason for c in plain.changes] == ["typo"]
    fixed = normalize_text(text, glossary, options=RewriteOptions(fix_typos=True))
    assert fixed.text == "Uyghur families in Xinjiang"
    assert normalize_text(fixed.text, glossary, options=RewriteOptions(fix_typos=True)).text == fixed.text


def test_explain_shows_typos_limits_and_near_misses(glossary: Glossary) -> None:
    text = "Xianjing, Uighyur and muslin and Tohtti."
    out = explain_document(text, glossary, annotate_document(text, glossary))
    assert "read 'Xianjing' as 'xinjiang': 2 of 2 edits allowed for 8 letters" in out
    assert "score 87.5 < 92: flagged only (normalize --fix-typos rewrites it)" in out
    assert "score 92.3: normalize writes 'Uyghur'" in out
    assert "'muslin' not read as 'muslim': an English word" in out
    assert "'Tohtti' not read as 'tohti': the rest of the form is not there" in out


def test_each_distinct_token_is_read_once(glossary: Glossary) -> None:
    index = FuzzyIndex(glossary.matcher)
    first = index.readings("xianjing")
    assert index.readings("xianjing") is first
    assert index.read_all({"xianjing", "reports", "muslin"}) == {"xianjing"}


@pytest.mark.parametrize(("length", "edits"), [(4, 0), (5, 1), (7, 1), (8, 2), (12, 2), (13, 3)])
def test_edit_limits_grow_with_length(length: int, edits: int) -> None:
    assert max_edits(length) == edits


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("Uighyr XiaNjng Tohti ilham-·ئۇيغ新疆 \u200bаеоsmlu'")), max_size=60))
def test_spans_index_the_original_text(glossary: Glossary, text: str) -> None:
    for a in annotate_text(text, glossary):
        assert text[a.start : a.end] == a.text
        if a.match == "fuzzy":
            assert 0 < a.score < 100


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=80))
def test_arbitrary_unicode_never_crashes(glossary: Glossary, text: str) -> None:
    annotate_text(text, glossary)

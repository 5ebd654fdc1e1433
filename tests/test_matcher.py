"""Matching: the golden cases of tests/cases/matching.yaml, plus leftmost-longest selection."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
import yaml

from golden_cases import CASES, load_cases
from termnorm import Glossary, annotate_text

DEFAULTS: dict[str, Any] = {"ambiguous": False, "quoted": False}


def observed(text: str, glossary: Glossary, expected: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The annotations of ``text`` reduced to the keys the expected list uses."""
    keys = ["text", "entry", *sorted({k for e in expected for k in e} - {"text", "entry"})]
    found = annotate_text(text, glossary, fuzzy=False)
    for a in found:
        assert text[a.start : a.end] == a.text
    return [{k: getattr(a, k) for k in keys} for a in found]


@pytest.mark.parametrize("case", load_cases("matching.yaml"))
def test_matching_golden(case: dict[str, Any], fixture_glossary: Glossary) -> None:
    expected = case["expected"]
    keys = ["text", "entry", *sorted({k for e in expected for k in e} - {"text", "entry"})]
    want = [{k: e.get(k, DEFAULTS.get(k)) for k in keys} for e in expected]
    assert observed(case["input"], fixture_glossary, expected) == want


def test_golden_files_are_well_formed() -> None:
    """Every case has a label, an input and an expected list; labels are unique within a group."""
    groups = yaml.safe_load((CASES / "matching.yaml").read_text(encoding="utf-8"))
    assert len(groups) >= 12
    for group, cases in groups.items():
        labels = [c["label"] for c in cases]
        assert len(labels) == len(set(labels)), group
        for c in cases:
            assert isinstance(c["input"], str) and c["input"]
            assert isinstance(c["expected"], list)


def test_leftmost_longest_prefers_the_longer_overlapping_form(fixture_glossary: Glossary) -> None:
    text = "the Xinjiang Uighur Autonomous Region and Xinjiang"
    found = [(a.text, a.entry) for a in annotate_text(text, fixture_glossary, fuzzy=False)]
    assert found == [("Xinjiang Uighur Autonomous Region", "xuar"), ("Xinjiang", "xinjiang")]


def test_matches_do_not_overlap_and_come_in_text_order(fixture_glossary: Glossary) -> None:
    text = "新疆维吾尔自治区 Uyghurs in Urumqi, 乌鲁木齐; so-called “three evil forces” 三股势力"
    found = annotate_text(text, fixture_glossary, fuzzy=False)
    assert [a.entry for a in found] == [
        "xuar", "uyghur", "urumqi", "urumqi", "so-called", "three-evil-forces", "three-evil-forces",
    ]  # fmt: skip
    for before, after in itertools.pairwise(found):
        assert before.end <= after.start


def test_match_kind_exact_or_folded(fixture_glossary: Glossary) -> None:
    """``match`` says whether the form is written as in the glossary (an inflection aside, as in
    the output contract's example) or needed folding (case, accents, spacing)."""
    found = annotate_text("Uighur and UIGHUR and Uighurs and Ürümqi", fixture_glossary, fuzzy=False)
    assert [(a.text, a.term, a.match) for a in found] == [
        ("Uighur", "Uighur", "exact"),
        ("UIGHUR", "Uighur", "folded"),
        ("Uighurs", "Uighur", "exact"),
        ("Ürümqi", "Urumqi", "folded"),
    ]
    assert all(a.score == 100 for a in found)


def test_empty_and_termless_text(fixture_glossary: Glossary) -> None:
    assert annotate_text("", fixture_glossary, fuzzy=False) == []
    assert annotate_text("Nothing to see here.\n", fixture_glossary, fuzzy=False) == []

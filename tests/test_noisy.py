"""Noisy real-world text: recall on the labelled noisy set, false alarms on clean text.

The noisy set (tests/noisy/cases.jsonl) is built by tests/noisy/make_noisy.py from the shipped
glossary; benchmarks/noisy_eval.py prints the same figures per kind of noise.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from termnorm import Glossary, annotate_text, load_glossary

NOISY = Path(__file__).parent / "noisy"
sys.path.insert(0, str(NOISY))

from evaluate import false_alarms, load_cases, score_cases, stdlib_docstrings  # noqa: E402

CASES = load_cases()


@pytest.fixture(scope="module")
def small() -> Glossary:
    return load_glossary(NOISY / "glossary", cache=False)


def test_recall_on_the_noisy_set_is_at_least_95_percent(real_glossary: Glossary) -> None:
    report = score_cases(real_glossary, CASES)
    assert sum(report.total.values()) > 3000
    missed = [f"[{c['kind']}] {c['input']}" for c in report.misses[:20]]
    assert report.recall >= 0.95, missed
    for family in ("typo", "spacing", "width", "script", "separator", "arabic"):
        assert report.family(family) >= 0.95, (family, missed)


def test_typos_that_are_real_words_raise_no_alarm(real_glossary: Glossary) -> None:
    report = score_cases(real_glossary, [c for c in CASES if c["expected"] is None])
    assert report.negatives > 0
    assert report.alarms == []


@pytest.mark.parametrize("case", [c for c in CASES if c["kind"] == "seed"], ids=lambda c: str(c["form"]))
def test_the_seed_typos_are_handled_as_an_editor_would(real_glossary: Glossary, case: dict[str, Any]) -> None:
    report = score_cases(real_glossary, [case])
    assert not report.misses and not report.alarms, case


def test_at_most_one_false_fuzzy_hit_per_10000_clean_words(real_glossary: Glossary) -> None:
    alarms = false_alarms(real_glossary, stdlib_docstrings())
    assert alarms.words > 100_000
    assert alarms.per_10k <= 1.0, alarms.hits.most_common(10)


NOISY_CHINESE_AND_UYGHUR = [
    ("stray space", "据报道，新疆 维吾尔自治区的情况", "新疆 维吾尔自治区", "xuar"),
    ("ideographic space and line break", "新疆\u3000维吾尔\n自治区", "新疆\u3000维吾尔\n自治区", "xuar"),
    (
        "full-width Latin",
        "ＸＩＮＪＩＡＮＧ ＵＹＧＨＵＲ ＡＵＴＯＮＯＭＯＵＳ ＲＥＧＩＯＮ",
        "ＸＩＮＪＩＡＮＧ ＵＹＧＨＵＲ ＡＵＴＯＮＯＭＯＵＳ ＲＥＧＩＯＮ",
        "xuar",
    ),
    ("full-width brackets", "（乌鲁木齐）", "乌鲁木齐", "urumqi"),
    ("simplified inside traditional", "據報導，烏魯木齊和乌鲁木齐", "乌鲁木齐", "urumqi"),
    ("traditional inside simplified", "据报道，烏魯木齊的情况", "烏魯木齊", "urumqi"),
    ("half simplified, half traditional", "新疆維吾尔自治區", "新疆維吾尔自治區", "xuar"),
    ("variant character 於", "職業技能教育培訓中心於", "職業技能教育培訓中心", "camps"),
    ("middle dot", "伊力哈木·土赫提", "伊力哈木·土赫提", "ilham-tohti"),
    ("bullet", "伊力哈木•土赫提", "伊力哈木•土赫提", "ilham-tohti"),
    ("katakana middle dot", "伊力哈木・土赫提", "伊力哈木・土赫提", "ilham-tohti"),
    ("full stop", "伊力哈木.土赫提", "伊力哈木.土赫提", "ilham-tohti"),
    ("full-width full stop", "伊力哈木．土赫提", "伊力哈木．土赫提", "ilham-tohti"),
    ("spaced dot", "伊力哈木 · 土赫提", "伊力哈木 · 土赫提", "ilham-tohti"),
    ("no separator", "伊力哈木土赫提", "伊力哈木土赫提", "ilham-tohti"),
    ("Arabic presentation forms", "\ufe8b\ufbd8\ufef4\ufed0\ufbd8\ufead", "\ufe8b\ufbd8\ufef4\ufed0\ufbd8\ufead", "uyghur"),
    ("zero-width non-joiner", "ئۇي\u200cغۇر", "ئۇي\u200cغۇر", "uyghur"),
    ("zero-width joiner", "ئۇيغ\u200dۇر", "ئۇيغ\u200dۇر", "uyghur"),
    ("tatweel", "ئۇيـــغۇر", "ئۇيـــغۇر", "uyghur"),
    ("Persian yeh and keheh", "ئىلھام توختی", "ئىلھام توختی", "ilham-tohti"),
    ("Arabic yeh for alef maksura", "شينجاڭ", "شينجاڭ", "xinjiang"),
    ("case suffix", "ئۇيغۇرلارنىڭ", "ئۇيغۇرلارنىڭ", "uyghur"),
    ("suffix on a place", "شىنجاڭدىكى", "شىنجاڭدىكى", "xinjiang"),
    ("Uyghur Latin (ULY) with diacritics", "Ürümchi shehiride", "Ürümchi", "urumqi"),
    ("ULY without diacritics", "Urumchi shehiride", "Urumchi", "urumqi"),
    ("Uyghur Cyrillic with a suffix", "Уйғурлар", "Уйғурлар", "uyghur"),
    ("Russian with a case ending", "уйгуров", "уйгуров", "uyghur"),
]


@pytest.mark.parametrize(
    ("text", "surface", "entry"), [c[1:] for c in NOISY_CHINESE_AND_UYGHUR], ids=[c[0] for c in NOISY_CHINESE_AND_UYGHUR]
)
def test_noisy_chinese_and_uyghur_match_with_exact_spans(small: Glossary, text: str, surface: str, entry: str) -> None:
    start = text.index(surface)
    found = [(a.start, a.end, a.entry) for a in annotate_text(text, small)]
    assert (start, start + len(surface), entry) in found, found


def test_a_mixed_english_and_chinese_document_is_annotated_in_both(small: Glossary) -> None:
    text = "Uyghurs in Urumqi. 乌鲁木齐的维吾尔族居民。Уйғурлар"
    found = {(a.text, a.lang) for a in annotate_text(text, small)}
    assert {
        ("Uyghurs", "en"),
        ("Urumqi", "en"),
        ("乌鲁木齐", "zh-Hans"),
        ("维吾尔族", "zh-Hans"),
        ("Уйғурлар", "ug-Cyrl"),
    } <= found

"""normalize: the golden cases of tests/cases/normalize.yaml, change records, idempotence, diffs."""

from __future__ import annotations

from typing import Any

import pytest

from golden_cases import load_cases
from termnorm import Glossary, RewriteOptions, StyleError, normalize_text
from termnorm.normalize import unified_diff


def run_case(case: dict[str, Any], text: str, glossary: Glossary) -> str:
    options = RewriteOptions(rewrite_loaded=case.get("rewrite") == "loaded")
    return normalize_text(text, glossary, style=case.get("style", "default"), options=options).text


@pytest.mark.parametrize("case", load_cases("normalize.yaml"))
def test_normalize_golden(case: dict[str, Any], fixture_glossary: Glossary) -> None:
    assert run_case(case, case["input"], fixture_glossary) == case["expected"]


@pytest.mark.parametrize("case", load_cases("normalize.yaml"))
def test_normalizing_twice_changes_nothing_more(case: dict[str, Any], fixture_glossary: Glossary) -> None:
    once = run_case(case, case["input"], fixture_glossary)
    assert run_case(case, once, fixture_glossary) == once


def test_changes_record_every_rewrite(fixture_glossary: Glossary) -> None:
    text = "UIGHUR leaders and the Uighurs' homes in Urumchi"
    result = normalize_text(text, fixture_glossary)
    assert [(c.start, c.end, c.original, c.replacement, c.entry, c.reason) for c in result.changes] == [
        (0, 6, "UIGHUR", "UYGHUR", "uyghur", "spelling"),
        (23, 31, "Uighurs'", "Uyghurs'", "uyghur", "spelling"),
        (41, 48, "Urumchi", "Urumqi", "urumqi", "spelling"),
    ]
    for c in result.changes:
        assert text[c.start : c.end] == c.original


def test_rewrite_of_loaded_terms_is_recorded_as_neutral_wording(fixture_glossary: Glossary) -> None:
    result = normalize_text("the three evil forces", fixture_glossary, options=RewriteOptions(rewrite_loaded=True))
    assert [(c.original, c.entry, c.reason) for c in result.changes] == [
        ("three evil forces", "three-evil-forces", "neutral wording")
    ]


def test_nothing_to_change_returns_the_same_text(fixture_glossary: Glossary) -> None:
    text = "Uyghurs live in Urumqi.\r\n"
    result = normalize_text(text, fixture_glossary)
    assert result.text == text
    assert result.changes == ()


def test_unknown_style_is_an_error_naming_the_known_ones(fixture_glossary: Glossary) -> None:
    with pytest.raises(StyleError) as info:
        normalize_text("Uighur", fixture_glossary, style="no-such-style")
    assert "no-such-style" in str(info.value)
    assert info.value.hint is not None and "prc-english" in info.value.hint


def test_unified_diff_shows_only_changed_lines() -> None:
    diff = unified_diff("same\nUighur here\nsame\n", "same\nUyghur here\nsame\n", "a.txt")
    assert "-Uighur here\n" in diff and "+Uyghur here\n" in diff
    assert "-same" not in diff and "+same" not in diff
    assert diff.startswith("--- a.txt\n+++ a.txt (normalized)\n")
    assert unified_diff("same\n", "same\n") == ""


def test_mixed_language_text_normalized_twice_changes_nothing_more(real_glossary: Glossary) -> None:
    """Found by the property test: rewriting terms must not change the language verdict that
    decides whether English spellings are rewritten, or a second run rewrites more."""
    text = "民族分裂势力、宗教极端势力、暴力恐怖势力Uyghurche中国外交部Uighur Tribunalinterferes in its internal affairs"
    once = normalize_text(text, real_glossary).text
    assert normalize_text(once, real_glossary).text == once


@pytest.mark.parametrize("rewrite_loaded", [False, True], ids=["spelling", "rewrite-loaded"])
@pytest.mark.parametrize("which", ["fixture", "real"])
def test_every_glossary_form_normalizes_to_a_fixed_point(
    request: pytest.FixtureRequest, which: str, rewrite_loaded: bool
) -> None:
    """Each form, alone, in a sentence and in capitals: a second run changes nothing more.

    With --rewrite loaded this needs the neutral wording to be written at once (not a corrected
    spelling that is loaded in turn) and left alone when it quotes the loaded term.
    """
    glossary = request.getfixturevalue(f"{which}_glossary")
    options = RewriteOptions(rewrite_loaded=rewrite_loaded)
    failures = []
    for term in glossary.terms:
        for text in (term.form, f"They said {term.form} again.", term.form.upper()):
            once = normalize_text(text, glossary, options=options).text
            twice = normalize_text(once, glossary, options=options).text
            if twice != once:
                failures.append(f"{term.entry}: {text!r} -> {once!r} -> {twice!r}")
    assert not failures, "\n".join(failures[:10])

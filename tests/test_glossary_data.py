"""The shipped glossary (glossary/): it validates, is big enough, and holds the core entries.

A failure here while the curators are still writing says which data is missing; it is not
marked as expected, so an incomplete glossary keeps the suite red.
"""

from __future__ import annotations

import pytest

from termnorm import Glossary
from termnorm.checks import check_glossary

CORE_ENTRIES = ["uyghur", "xinjiang", "urumqi", "kashgar", "xpcc", "three-evil-forces", "so-called", "xinjiang-camps"]


def test_shipped_glossary_validates() -> None:
    report = check_glossary()
    assert not report.errors, "the shipped glossary has problems (run 'termnorm glossary check'):\n" + "\n".join(
        str(e) for e in report.errors[:20]
    )


def test_at_least_fifteen_entries(real_glossary: Glossary) -> None:
    assert len(real_glossary.entries) >= 15, f"glossary data incomplete: only {len(real_glossary.entries)} entries"


@pytest.mark.parametrize("entry_id", CORE_ENTRIES)
def test_core_entry_present(real_glossary: Glossary, entry_id: str) -> None:
    if entry_id not in real_glossary.entries:
        pytest.fail(f"glossary data incomplete: no entry '{entry_id}' yet", pytrace=False)


def test_every_entry_has_an_english_term_and_a_source(real_glossary: Glossary) -> None:
    for entry in real_glossary.entries.values():
        assert any(t.lang == "en" for t in entry.terms), entry.id
        assert entry.sources, entry.id


def test_every_loaded_term_explains_itself(real_glossary: Glossary) -> None:
    """Principle 1: a loaded term says who uses it and why, and its entry offers a neutral wording."""
    for entry in real_glossary.entries.values():
        for t in entry.terms:
            if t.loaded:
                assert t.note and t.used_by and entry.neutral, f"{entry.id}: {t.form}"


def test_uyghur_entry_has_every_script(real_glossary: Glossary) -> None:
    if "uyghur" not in real_glossary.entries:
        pytest.fail("glossary data incomplete: no entry 'uyghur' yet", pytrace=False)
    langs = {t.lang for t in real_glossary.entry("uyghur").terms}
    assert {"en", "zh-Hans", "zh-Hant", "ug-Arab"} <= langs
    forms = {t.form for t in real_glossary.entry("uyghur").terms}
    assert {"Uyghur", "Uighur", "Uygur"} <= forms


def test_styles_shipped(real_glossary: Glossary) -> None:
    assert {"default", "prc-english"} <= set(real_glossary.styles)
    assert real_glossary.style("prc-english").prefer.get("uyghur") == "Uygur"

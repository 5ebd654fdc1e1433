"""annotate: the document result (output contract), quotation and distancing, summaries, languages."""

from __future__ import annotations

import pytest

from termnorm import Glossary, annotate_document, annotate_text
from termnorm.annotate import ANNOTATION_FIELDS


def quoted(text: str, glossary: Glossary) -> list[tuple[str, bool]]:
    return [(a.text, a.quoted) for a in annotate_text(text, glossary, fuzzy=False)]


def test_document_result_follows_the_contract(fixture_glossary: Glossary) -> None:
    doc = annotate_document("Uighurs in Urumchi", fixture_glossary, source="a.txt", fuzzy=False).to_dict()
    assert doc["source"] == "a.txt" and doc["lang"] == "en"
    first = doc["annotations"][0]
    assert list(first)[: len(ANNOTATION_FIELDS)] == list(ANNOTATION_FIELDS)
    assert (first["text"], first["preferred"], first["used_by"]) == ("Uighurs", "Uyghurs", ["western-media"])
    assert doc["summary"]["entries"] == {"urumqi": 1, "uyghur": 1}
    assert doc["summary"]["loaded"] == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("They oppose “three evil forces”.", [("three evil forces", True)]),
        ('They oppose "three evil forces".', [("three evil forces", True)]),
        ("They oppose three evil forces.", [("three evil forces", False)]),
        ("the so-called three evil forces", [("so-called", False), ("three evil forces", True)]),
        ("所谓三股势力", [("所谓", False), ("三股势力", True)]),
        ("It is so-called. Three evil forces are named.", [("so-called", False), ("Three evil forces", False)]),
        ("He said: “Uighurs live in Urumchi.” Then he left Kashgar.", [("Uighurs", True), ("Urumchi", True), ("Kashgar", False)]),
        ("the Uighurs’ homes in Kashgar", [("Uighurs’", False), ("Kashgar", False)]),
    ],
)
def test_quoted_means_in_quotation_marks_or_after_a_distancing_word(
    fixture_glossary: Glossary, text: str, expected: list[tuple[str, bool]]
) -> None:
    assert quoted(text, fixture_glossary) == expected


def test_summary_counts_loaded_framing_and_quoted(fixture_glossary: Glossary) -> None:
    text = "China fights “three evil forces” and runs vocational education and training centres; 三股势力."
    summary = annotate_document(text, fixture_glossary, fuzzy=False).summary
    assert summary["entries"] == {"three-evil-forces": 2, "xinjiang-camps": 1}
    assert summary["loaded"] == 3
    assert summary["framing"] == {"prc-official": 3}
    assert summary["quoted"] == 1
    assert summary["total"] == 3


def test_ambiguous_matches_name_their_candidates(fixture_glossary: Glossary) -> None:
    [han] = annotate_text("Han Xiao", fixture_glossary, fuzzy=False)
    assert han.ambiguous and han.candidates == ("han-chinese",)
    assert han.preferred == "Han"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Uyghurs live in Xinjiang and the government says", "en"),
        ("新疆维吾尔自治区的维吾尔族", "zh-Hans"),
        ("新疆維吾爾自治區的維吾爾族", "zh-Hant"),
        ("ئۇيغۇرلار ئۈرۈمچىدە ياشايدۇ", "ug-Arab"),
    ],
)
def test_document_language(fixture_glossary: Glossary, text: str, lang: str) -> None:
    assert annotate_document(text, fixture_glossary, fuzzy=False).lang == lang


def test_style_changes_preferred_only(fixture_glossary: Glossary) -> None:
    default = annotate_text("Uyghurs", fixture_glossary, fuzzy=False)
    prc = annotate_text("Uyghurs", fixture_glossary, style="prc-english", fuzzy=False)
    assert [a.preferred for a in default] == ["Uyghurs"]
    assert [a.preferred for a in prc] == ["Uygurs"]
    assert [a.entry for a in default] == [a.entry for a in prc]

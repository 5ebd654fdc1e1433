"""lookup (the library function): ids, forms in any script, inflected forms, suggestions."""

from __future__ import annotations

import pytest

from termnorm import Glossary, LookupNotFoundError, lookup


@pytest.mark.parametrize(
    ("query", "entry"),
    [
        ("urumqi", "urumqi"),
        ("Ürümqi", "urumqi"),
        ("URUMCHI", "urumqi"),
        ("烏魯木齊", "urumqi"),
        ("ئۈرۈمچى", "urumqi"),
        ("Uighur’s", "uyghur"),
        ("re-education camps", "xinjiang-camps"),
        ("vocational education and training center", "xinjiang-camps"),
        ("伊力哈木土赫提", "ilham-tohti"),
    ],
)
def test_lookup_by_any_form(fixture_glossary: Glossary, query: str, entry: str) -> None:
    assert [e.id for e in lookup(query, fixture_glossary)] == [entry]


def test_not_found_carries_suggestions(fixture_glossary: Glossary) -> None:
    with pytest.raises(LookupNotFoundError) as info:
        lookup("Urumchy", fixture_glossary)
    assert info.value.query == "Urumchy"
    assert info.value.suggestions[0].endswith("(urumqi)")
    assert info.value.hint is not None and info.value.hint.startswith("did you mean")


def test_lookup_of_a_sentence_is_not_found(fixture_glossary: Glossary) -> None:
    with pytest.raises(LookupNotFoundError):
        lookup("Uighurs live in Urumqi", fixture_glossary)

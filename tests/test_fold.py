"""Folding text into match keys, and mapping folded offsets back to the original."""

from __future__ import annotations

import pytest

from termnorm import fold as fold_module
from termnorm.fold import fold, fold_key


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("UIGHUR", "uighur"),
        ("İlham", "ilham"),  # "İ".lower() is two characters; the fold keeps one
        ("Maße", "masse"),
        ("Kaſhgar", "kashgar"),
        ("Ürümqi", "urumqi"),
        ("U\u0308ru\u0308mqi", "urumqi"),
        ("Ｘｉｎｊｉａｎｇ", "xinjiang"),
        ("re－education", "re education"),  # full-width hyphen-minus is a hyphen
        ("Uighur’s", "uighur's"),
        ("“camps”", '"camps"'),
        ("three\u00a0evil\n\n forces", "three evil forces"),
        ("for\u00adces", "forces"),
        ("新 疆\n维吾尔", "新疆维吾尔"),
        ("伊力哈木・土赫提", "伊力哈木.土赫提"),
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text).text == folded


def test_fold_key_strips_outer_spaces() -> None:
    assert fold_key("  Three\tEvil Forces\n") == "three evil forces"


@pytest.mark.parametrize(
    ("text", "needle", "original"),
    [
        ("a\u00adb Uighur", "uighur", "Uighur"),
        ("x  y\n\nthree   evil forces z", "three evil forces", "three   evil forces"),
        ("Maßnahmen zur Sinisierung.", "massnahmen zur sinisierung", "Maßnahmen zur Sinisierung"),
        ("İİİ Urumqi", "urumqi", "Urumqi"),
        ("前 新 疆 后", "新疆", "新 疆"),
        ("ﬁve Uyghurs", "uyghurs", "Uyghurs"),
    ],
)
def test_to_original_maps_a_folded_span_to_the_exact_original_slice(text: str, needle: str, original: str) -> None:
    f = fold(text)
    start = f.text.index(needle)
    a, b = f.to_original(start, start + len(needle))
    assert text[a:b] == original


def test_to_original_is_the_identity_when_folding_kept_every_offset() -> None:
    f = fold("Uighurs in Urumqi")
    assert f.segments == ()
    assert f.to_original(11, 17) == (11, 17)


def test_long_texts_fold_the_same_on_the_vectorised_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """Texts longer than the threshold are folded with numpy; the result must not differ."""
    text = "UIGHUR’s  Ürümqi — three\u00a0evil for\u00adces, 維吾爾 Ｘｉｎ. 2009 年 " * 2000
    assert len(text) > fold_module._NUMPY_THRESHOLD
    long_path = fold(text)
    monkeypatch.setattr(fold_module, "_NUMPY_THRESHOLD", len(text) + 1)
    assert fold(text) == long_path
    assert long_path.text.startswith("uighur's urumqi three evil forces, ")


def test_long_texts_outside_the_basic_plane_fold_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "Uighur 𠀀 😀 新疆 " * 6000
    long_path = fold(text)
    monkeypatch.setattr(fold_module, "_NUMPY_THRESHOLD", len(text) + 1)
    assert fold(text) == long_path

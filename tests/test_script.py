"""The document language: from the scripts of its letters, with each language's share."""

from __future__ import annotations

from pathlib import Path

import pytest

from termnorm import annotate_document, load_glossary
from termnorm.derive import han_fold_table
from termnorm.script import detect_language

NOISY = Path(__file__).parent / "noisy"

SAMPLES = [
    ("English", "The Uyghurs of Xinjiang and the camps in the region.", "en"),
    ("German", "Die Uiguren in Xinjiang und die Lager in der Region.", "de"),
    ("French", "Les Ouïghours du Xinjiang et les camps dans la région.", "fr"),
    ("Turkish", "Doğu Türkistan'daki Uygurlar ve bu kamplar için bir rapor.", "tr"),
    ("Uyghur Latin", "Uyghurlar we Qazaqlar bilen bu heqte söz boldi, u küni dep éytti.", "ug-Latn"),
    ("simplified Chinese", "新疆维吾尔自治区的职业技能教育培训中心。", "zh-Hans"),
    ("traditional Chinese", "新疆維吾爾自治區的職業技能教育培訓中心。", "zh-Hant"),
    ("Japanese", "ウイグル族の人々と新疆の収容所について。", "ja"),
    ("Uyghur Arabic", "ئۇيغۇرلار شىنجاڭدا ياشايدۇ.", "ug-Arab"),
    ("Uyghur Arabic in presentation forms", "\ufe8b\ufbd8\ufef4\ufed0\ufbd8\ufeae\ufee0\ufe8e\ufead", "ug-Arab"),
    ("Arabic", "الأويغور في شينجيانغ.", "ar"),
    ("Russian", "Уйгуры в Синьцзяне и лагеря перевоспитания.", "ru"),
    ("Uyghur Cyrillic", "Уйғурлар Шинҗаңда яшайду.", "ug-Cyrl"),
    ("Kazakh", "Ұйғырлар Шыңжаңда тұрады, қазақтар да бар.", "kk"),
    ("Kyrgyz", "Уйгурлар Шинжаңда жашашат, көп элдер бар.", "ky"),
    ("no letters", "2019 — 2022 …", "und"),
]


@pytest.mark.parametrize(("text", "lang"), [s[1:] for s in SAMPLES], ids=[s[0] for s in SAMPLES])
def test_document_language_from_its_script(text: str, lang: str) -> None:
    assert detect_language(text, han_fold_table())[0] == lang


def test_mixed_english_and_chinese_report_both_shares() -> None:
    text = "The region's officials denied the camps existed. 新疆官员否认存在集中营。"
    lang, shares = detect_language(text, han_fold_table())
    assert lang == "en"
    assert set(shares) == {"en", "zh-Hans"}
    assert 0.3 < shares["zh-Hans"] < 0.6


def test_annotations_carry_their_own_language_in_a_mixed_document() -> None:
    glossary = load_glossary(NOISY / "glossary", cache=False)
    result = annotate_document("Uyghurs live in Urumqi, the regional capital: 乌鲁木齐的维吾尔族; ئۇيغۇرلار", glossary)
    assert result.lang == "en"
    assert [(a.text, a.lang) for a in result.annotations] == [
        ("Uyghurs", "en"),
        ("Urumqi", "en"),
        ("乌鲁木齐", "zh-Hans"),
        ("维吾尔族", "zh-Hans"),
        ("ئۇيغۇرلار", "ug-Arab"),
    ]
    assert set(result.to_dict()["languages"]) == {"en", "zh-Hans", "ug-Arab"}

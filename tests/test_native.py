"""The C core against the pure-Python path it replaces: the same folds, offsets, matches,
quotation regions, languages and annotations, on real text and on random awkward text."""

from __future__ import annotations

import json
import os
import pickle
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from termnorm import annotate_text, native
from termnorm.annotate import _between, annotate_document
from termnorm.compiled import Glossary
from termnorm.fold import fold as python_fold
from termnorm.matcher import _no_check
from termnorm.quotes import quote_regions
from termnorm.script import detect_language, detect_language_native

HERE = Path(__file__).parent

needs_core = pytest.mark.skipif(native._core is None, reason="the C core is not built (no C compiler at install)")


def test_the_core_is_built_where_it_is_required() -> None:
    # .ci/run asks for it: a build that silently fell back to Python would pass every other test.
    if not os.environ.get("TERMNORM_REQUIRE_CORE"):
        pytest.skip("TERMNORM_REQUIRE_CORE is not set")
    assert native._core is not None, "termnorm._core was not built: is a C compiler installed?"
    assert native.ENABLED, "TERMNORM_PURE is set"


@contextmanager
def python_path() -> Iterator[None]:
    saved = native.ENABLED
    native.ENABLED = False
    try:
        yield
    finally:
        native.ENABLED = saved


def _texts() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted((HERE.parent / "seeds").glob("*.txt"))]
    texts += [p.read_text(encoding="utf-8") for p in sorted((HERE / "corpus" / "unseen").rglob("*.txt"))]
    noisy = HERE / "noisy" / "cases.jsonl"
    if noisy.exists():
        with noisy.open(encoding="utf-8") as fh:
            texts += [json.loads(line)["input"] for line in fh][::4]
    return texts


TEXTS = _texts()

AWKWARD = (
    " \u00a0\n\t\u3000.-–—'’‘\"“”«»「」()[]\u00ad\u200b\u200c\u200d\u2060\ufeff\u0640\u0301\u0308ßẞİıﬁŉﯝ"
    "0123456789²٣·•・‧新疆维吾尔維吾爾自治区。，、ウイグル"
    "UuIiGgHhYyRrXxNnJjAaSsEeCcOo"
    "уйгурУйғурқәұңөүӘ"
    "ئۇيغۇرﺋﯘﻳﻐﯘﺭىيکهة"
    "\U00020000\U0002a6d6\U00010400𝐀"
)
FRAGMENTS = [
    "Uighur", "Uyghurs'", "Xinjiang", "re-education camp", "vocational education and training centers",
    "three evil forces", "三股势力", "新疆 维吾尔", "Ürümqi", "so-called", "所谓", "Han", "han", "Xi", "released",
    "detention  centres", "de\u00adradicalization", "ئۇيغۇرلار", "Уйгуры", "‘forge lies’", "East Turkistan",
]  # fmt: skip


def awkward_text() -> st.SearchStrategy[str]:
    piece = st.one_of(st.text(alphabet=AWKWARD, max_size=12), st.sampled_from(FRAGMENTS), st.text(max_size=6))
    return st.lists(piece, max_size=12).map("".join)


def _fold_agrees(glossary: Glossary, text: str) -> None:
    matcher = glossary.matcher
    ours = matcher.fold(text)
    theirs = python_fold(text, matcher.table)
    assert ours.text == theirs.text
    n = len(ours.text)
    for start in range(n + 1):
        for end in (start, min(n, start + 1), min(n, start + 4)):
            assert ours.to_original(start, end) == theirs.to_original(start, end), (start, end)


def _results(glossary: Glossary, text: str) -> tuple[Any, ...]:
    folded = glossary.matcher.fold(text)
    return (
        glossary.matcher.find(text),
        annotate_text(text, glossary, fuzzy=False),
        annotate_text(text, glossary, fuzzy=True),
        annotate_document(text, glossary, fuzzy=False).to_dict(),
        folded.text,
    )


def _agree(glossary: Glossary, text: str) -> None:
    ours = _results(glossary, text)
    with python_path():
        theirs = _results(glossary, text)
    assert ours == theirs


@needs_core
def test_real_texts_fold_the_same(real_glossary: Glossary) -> None:
    for text in TEXTS[:40]:
        _fold_agrees(real_glossary, text[:3000])


@needs_core
def test_real_texts_match_and_annotate_the_same(real_glossary: Glossary) -> None:
    assert len(TEXTS) > 100
    for text in TEXTS:
        _agree(real_glossary, text)


@needs_core
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=awkward_text())
def test_random_text_folds_the_same(real_glossary: Glossary, text: str) -> None:
    _fold_agrees(real_glossary, text)


@needs_core
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=awkward_text())
def test_random_text_matches_and_annotates_the_same(real_glossary: Glossary, text: str) -> None:
    _agree(real_glossary, text)


@needs_core
@settings(max_examples=200, deadline=None)
@given(text=awkward_text())
def test_quote_regions_and_language_agree(real_glossary: Glossary, text: str) -> None:
    core = real_glossary.matcher.core
    assert core.quote_regions(text) == quote_regions(text)
    assert detect_language_native(core, text) == detect_language(text, real_glossary.table)
    spans = [(i, i + 3) for i in range(0, len(text) - 3, 7)]
    assert detect_language_native(core, text, spans) == detect_language(_between(text, spans), real_glossary.table)


@needs_core
def test_quote_regions_agree_at_every_offset_and_width(real_glossary: Glossary) -> None:
    # Quotation marks and line breaks are looked for 16 bytes at a time: each pair of marks at
    # every offset, in strings of one, two and four bytes a character.
    core = real_glossary.matcher.core
    latin1 = [('"', '"'), ("«", "»"), ("»", "«")]
    wider = [("\u2018", "\u2019"), ("\u201c", "\u201d"), ("\u201e", "\u201c"), ("\u2039", "\u203a"), ("\u300c", "\u300d")]
    wider += [("\u300e", "\u300f"), ("\u301d", "\u301e")]
    for width, pairs in (("a", latin1), ("\u4e00", latin1 + wider), ("\U00020000", latin1 + wider)):
        for opener, closer in pairs:
            for at in range(0, 40, 3):
                body = "word " * 3 + width
                text = body[:at] + " " + opener + "x" * (at % 7) + closer + " " + body + opener + "b" * at + "\n \n" + closer
                assert core.quote_regions(text) == quote_regions(text), (width, opener, at)
                assert core.quote_regions(text)[0], (width, opener, at)  # a region found


@needs_core
@settings(max_examples=300, deadline=None)
@given(text=awkward_text())
def test_the_words_the_typo_layer_reads_agree(real_glossary: Glossary, text: str) -> None:
    from termnorm.typo_index import _CANDIDATE_RE, candidate_tokens

    for folded in (text, real_glossary.matcher.fold(text).text, (text + " ") * 40):
        assert candidate_tokens(folded) == set(_CANDIDATE_RE.findall(folded))


@needs_core
def test_the_words_of_real_texts_agree(real_glossary: Glossary) -> None:
    from termnorm.typo_index import _CANDIDATE_RE, candidate_tokens

    for text in TEXTS[:80]:
        folded = real_glossary.matcher.fold(text).text
        assert candidate_tokens(folded) == set(_CANDIDATE_RE.findall(folded))


@needs_core
def test_words_known_to_have_no_typo_reading_are_left_out(real_glossary: Glossary) -> None:
    import random

    from termnorm import _core
    from termnorm.typo_index import _CANDIDATE_RE, candidate_tokens, fuzzy_index

    known = _core.TokenSet()
    for word in ("families", "уйгуры", "straße", "families"):
        known.add(word)
    assert len(known) == 3 and "straße" in known and "famili" not in known
    text = "families of Uighurr straße, уйгуры and уйгурыы; " * 3
    assert candidate_tokens(text, known) == set(_CANDIDATE_RE.findall(text)) - {"families", "уйгуры", "straße"}
    # thousands of words: the table grows and still knows each
    rng = random.Random(5)
    words = {"".join(rng.choice("abcdefghijklmnopqrstuvwxyzабвгдеж") for _ in range(rng.randint(4, 12))) for _ in range(5000)}
    for word in words:
        known.add(word)
    listed = sorted(words)
    assert all(w in known for w in listed) and candidate_tokens(" ".join(listed[:2000]), known) == set()
    # two words of one length with the same 32-bit hash are still two words
    known.add("lsexqzd")
    assert "ztxtxde" not in known and candidate_tokens("lsexqzd ztxtxde", known) == {"ztxtxde"}
    assert len(pickle.loads(pickle.dumps(known))) == 0  # a cache: it travels empty
    known.clear()
    assert len(known) == 0 and candidate_tokens(text, known) == set(_CANDIDATE_RE.findall(text))
    # the typo layer finds the same with its cache of such words cold, warm and cleared
    texts = [t for t in TEXTS[:40]] + ["Uighyur families in Xianjing and the Uighurr people"]
    cold = [annotate_text(t, real_glossary, fuzzy=True) for t in texts]
    assert [annotate_text(t, real_glossary, fuzzy=True) for t in texts] == cold
    fuzzy_index(real_glossary).clear()
    assert [annotate_text(t, real_glossary, fuzzy=True) for t in texts] == cold
    assert any(a.match == "fuzzy" for a in cold[-1])


@needs_core
def test_language_of_each_script(real_glossary: Glossary) -> None:
    core = real_glossary.matcher.core
    samples = {
        "Uyghurs in Xinjiang and the camps": "en",
        "Die Uiguren und der Westen sind nicht": "de",
        "İçin bu ve bir": "tr",
        "新疆维吾尔自治区": "zh-Hans",
        "新疆維吾爾自治區": "zh-Hant",
        # Latin letters, digits and punctuation are neither traditional nor simplified
        "維吾爾族 (Uyghurs, ABC) 在 2019 年": "zh-Hant",
        "ウイグル族の人々": "ja",
        "ئۇيغۇرلار": "ug-Arab",
        "ﺋﯘﻳﻐﯘﺭ": "ug-Arab",
        "уйғурлар": "ug-Cyrl",
        "ұйғырлар": "kk",
        "уйгурлар көп": "ky",
        "уйгуры": "ru",
        "1234 — 5678": "und",
    }
    for text, lang in samples.items():
        assert detect_language_native(core, text)[0] == lang, text
        assert detect_language(text, real_glossary.table)[0] == lang, text


@needs_core
def test_core_survives_pickling(real_glossary: Glossary) -> None:
    # the compiled glossary is cached on disk and sent to batch workers
    text = "UIGHUR leaders in Urumchi and the “so-called” re-education camps"
    copy = pickle.loads(pickle.dumps(real_glossary))
    assert copy.matcher.core is not None
    assert annotate_text(text, copy) == annotate_text(text, real_glossary)
    assert copy.matcher.core.stats() == real_glossary.matcher.core.stats()


@needs_core
def test_a_mixed_script_word_falls_back_to_python(real_glossary: Glossary) -> None:
    # "Uуghur" with a Cyrillic у: the core leaves such a text to the Python fold
    assert real_glossary.matcher.core.fold("the Uуghur people") is None
    found = annotate_text("the Uуghur people", real_glossary)
    assert [(a.text, a.entry) for a in found] == [("Uуghur", "uyghur")]


@needs_core
def test_copied_annotations_keep_their_own_offsets_quotes_and_case(real_glossary: Glossary) -> None:
    # The core copies the annotation of a match it has seen before; a repeat must still get its
    # own offsets, quotation, sentence start and spelling, across texts and on a second pass.
    texts = [
        "Uighur leaders met. The Uighur diaspora spoke of “Uighur” camps and so-called Uighur schools.",
        "uighur rights: UIGHUR groups said Uighurs and Uighur’s friends left Xinjiang.",
        "Die Uiguren in Xinjiang. Die Uiguren und die Uiguren.",
        "Uighur",
    ]
    for _ in range(2):
        for text in texts:
            for fuzzy in (False, True):
                ours = annotate_text(text, real_glossary, fuzzy=fuzzy)
                with python_path():
                    theirs = annotate_text(text, real_glossary, fuzzy=fuzzy)
                assert ours == theirs
                assert all(text[a.start : a.end] == a.text for a in ours)


@needs_core
def test_long_texts_cut_in_parts_find_every_term(real_glossary: Glossary) -> None:
    # Long texts are scanned in parts side by side: terms across every cut, at every shift.
    body = " ".join(FRAGMENTS * 12)
    assert len(body) > 8 * 91
    for shift in range(0, 40, 3):
        text = "x" * shift + " " + body
        _agree(real_glossary, text)
        assert len(annotate_text(text, real_glossary, fuzzy=False)) >= 12 * 15
        _agree(real_glossary, text[:400])  # two parts


def _blocks_agree(glossary: Glossary, text: str, blocks: Iterator[int] | tuple[int, ...]) -> Any:
    """A text folded and scanned a block at a time finds what the whole text's fold finds."""
    core = glossary.matcher.core
    whole = core.match(text, _no_check, True)  # keep: the whole text folded at once
    for block in blocks:
        part = core.match(text, _no_check, False, block)
        if whole is None:
            assert part is None, block
        else:
            assert part is not None and part[0] == whole[0], block
            assert not part[0] or part[1] == whole[1], block
    return whole


@needs_core
def test_long_texts_folded_block_by_block_find_the_same(real_glossary: Glossary) -> None:
    # A text longer than a block is folded into a small window a block at a time and scanned
    # while in the cache: cut at every place, it must find exactly what the whole fold finds.
    found = 0
    for text in TEXTS[:40]:
        whole = _blocks_agree(real_glossary, text, (1, 2, 3, 7, 64, 1000))
        found += len(whole[0]) if whole else 0
    assert found > 100


@needs_core
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=awkward_text(), block=st.integers(1, 40))
def test_random_text_folded_block_by_block_finds_the_same(real_glossary: Glossary, text: str, block: int) -> None:
    _blocks_agree(real_glossary, text, (block,))


@needs_core
def test_block_edges_inside_words_context_and_scripts(real_glossary: Glossary) -> None:
    keys = real_glossary.matcher.keys
    stem = next(k.key for k in keys if k.stem and k.key.isascii())
    cases = [
        # a stem key whose word runs on past several blocks: its hit waits for the word's end
        "lead " * 40 + stem + "a" * 300 + " tail" * 40,
        stem + "'s " + stem + "s" + "x" * 150 + ".",
        # English endings cut by a block's edge
        "Uighures Uighur's Uighurs' Uighurs Uighuresque " * 3,
        # context words are looked for up to 80 characters either side, over quotes and brackets
        "x " * 70 + "Xinjiang" + "'\"" * 36 + "detention centre" + "([" * 36 + "in Xinjiang",
        "x " * 70 + "the Han majority " + "y " * 70 + "han " * 30 + "Han",
        # a Latin letter next to a Cyrillic one early (once a deleted character between them is
        # gone), and a case for the general fold later: the whole text's fold decides (Python's
        # fold, or the general one), not the first block
        "han\u200bУ Uighur " + "z" * 50 + "\u200b\u00ad Xinjiang",
        "han\u200bУ Uighur " + "z" * 50 + " Xinjiang",
        "Uighur  \u00ad" * 30,
    ]
    for text in cases:
        _blocks_agree(real_glossary, text, (1, 2, 5, 13, 40, 129))
    assert real_glossary.matcher.core.match(cases[0], _no_check, False, 10)[0][0][1] == len("lead " * 40) + len(stem) + 300


@needs_core
def test_the_window_keeps_the_context_a_short_key_reads_before_it(tmp_path: Path) -> None:
    # A glossary whose only key is short: the window must keep the 80 characters that a context
    # rule reads before a match, not only the longest key's length.
    from termnorm.glossary import read_glossary

    (tmp_path / "raid.yaml").write_text(
        "- id: raid\n  label: Raid\n  category: place\n  definition: A made-up entry with a context rule.\n"
        "  sources: [https://example.org/raid]\n  terms:\n"
        "    - {form: raid, lang: en, type: preferred, context: {not_preceded_by: [police]}}\n",
        encoding="utf-8",
    )
    glossary = Glossary(read_glossary(tmp_path))
    for quotes, found in ((36, 0), (38, 1)):  # "police" 72 characters before, then 76 (out of reach)
        text = "x " * 100 + "police" + "'\"" * quotes + "raid" + " tail" * 40
        whole = _blocks_agree(glossary, text, (1, 2, 5, 64))
        assert len(whole[0]) == found


@needs_core
def test_typos_among_exact_matches_annotate_as_in_python(real_glossary: Glossary) -> None:
    # A text with a typo kept: its exact matches are annotated by the core's copies, the typos in
    # Python, and the two merged in text order, as the Python path annotates them all.
    with (HERE / "noisy" / "cases.jsonl").open(encoding="utf-8") as fh:
        typos = [row["input"] for row in map(json.loads, fh) if row["kind"].startswith("typo")][::8]
    kinds: set[str] = set()
    for typo, other in zip(typos, typos[1:] + typos[:1], strict=True):
        for text in (typo + " and " + other, "Uighur people in Xinjiang. " + typo + " The so-called “re-education camps”."):
            ours = annotate_text(text, real_glossary, fuzzy=True)
            with python_path():
                assert ours == annotate_text(text, real_glossary, fuzzy=True)
            kinds |= {a.match for a in ours}
    assert {"exact", "fuzzy"} <= kinds


@needs_core
def test_a_text_longer_than_a_block_annotates_as_in_python(real_glossary: Glossary) -> None:
    text = "\n\n".join(TEXTS[:30])
    while len(text) < 70_000:
        text += "\n\n" + text
    assert len(text) > 65_536
    ours = annotate_text(text, real_glossary, fuzzy=False)
    with python_path():
        theirs = annotate_text(text, real_glossary, fuzzy=False)
    assert ours == theirs and len(ours) > 500


@needs_core
def test_stop_words_count_in_the_first_5000_characters_only(real_glossary: Glossary) -> None:
    core = real_glossary.matcher.core
    filler = "qqq "  # in no language's stop words
    cases = {
        filler * 1100 + "und die der das " * 3: "de",  # inside the window
        filler * 1250 + "und die der das " * 3: "en",  # after it: no stop word, English by default
        # "des" cut by the window's end reads "de" (Turkish), as the Python detector cuts it
        "q" * 4997 + " des" + " x" * 20: "tr",
    }
    for text, lang in cases.items():
        assert detect_language(text, real_glossary.table)[0] == lang
        assert detect_language_native(core, text) == detect_language(text, real_glossary.table)
        spans = [(10, 14), (4990, 4994)]
        assert detect_language_native(core, text, spans) == detect_language(_between(text, spans), real_glossary.table)


@needs_core
def test_keys_checked_by_a_python_callback_give_the_same_results(
    real_glossary: Glossary, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A key with more terms than the core checks itself has its case and context rules checked
    # by a call back into Python. Lowering that bound to nothing sends every such key there.
    from termnorm.glossary import read_glossary

    monkeypatch.setattr(native, "_CORE_TERMS", 0)
    called_back = Glossary(read_glossary())
    assert called_back.matcher._calls_back and not real_glossary.matcher._calls_back
    for text in TEXTS[:60]:
        for fuzzy in (False, True):
            assert annotate_text(text, called_back, fuzzy=fuzzy) == annotate_text(text, real_glossary, fuzzy=fuzzy)

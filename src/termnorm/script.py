"""Which language a document is in, from the scripts of its letters."""

from __future__ import annotations

import re
import string
from collections import Counter
from collections.abc import Mapping

from .fold import is_han

_UYGHUR_ARABIC = set("ېۆۈۇەڭۋ")
_KAZAKH_ONLY = set("ұі")  # Kazakh letters that Uyghur Cyrillic does not use
_UYGHUR_KAZAKH = set("әғқһҗ")  # in Uyghur Cyrillic (җ only there) and Kazakh, not in Russian
_KYRGYZ = set("ңөү")  # the only extra letters of Kyrgyz (also in Kazakh and Uyghur)
# A Han character carries about as much text as three Latin letters (an English word of five
# letters and a space against a Chinese word of two characters), so that a document half in
# English and half in Chinese shows about half of each.
_WEIGHT = {"han": 3, "kana": 3}
_PRESENTATION_RE = re.compile("[\ufb50-\ufdff\ufe70-\ufeff]")


def _presentation_table() -> dict[int, str]:
    import unicodedata

    table = {}
    for cp in [*range(0xFB50, 0xFE00), *range(0xFE70, 0xFF00)]:
        base = unicodedata.normalize("NFKC", chr(cp))
        if len(base) == 1 and base != chr(cp):
            table[cp] = base
    return table


_ARABIC_FORMS = _presentation_table()


def _cyrillic_lang(low: str) -> str:
    """Russian, Kazakh, Kyrgyz or Uyghur, from the letters beyond the Russian alphabet.

    >>> _cyrillic_lang("уйғурлар"), _cyrillic_lang("ұйғырлар"), _cyrillic_lang("уйгурлар"), _cyrillic_lang("уйгурлар көп")
    ('ug-Cyrl', 'kk', 'ru', 'ky')
    """
    letters = set(low)
    return _cyrillic_verdict(
        bool(letters & _KAZAKH_ONLY), "җ" in letters, bool(letters & _UYGHUR_KAZAKH), bool(letters & _KYRGYZ)
    )


def _cyrillic_verdict(kazakh_only: bool, zhe: bool, uyghur_kazakh: bool, kyrgyz: bool) -> str:
    """Which Cyrillic-script language the letters found point to (see :func:`_cyrillic_lang`)."""
    if kazakh_only and not zhe:
        return "kk"
    if uyghur_kazakh:
        return "ug-Cyrl"
    return "ky" if kyrgyz else "ru"


_WORD_RE = re.compile(r"[^\W\d_]+")
_STOPWORDS = {
    "en": {"the", "and", "of", "to", "in", "is", "that", "for", "on", "with"},
    "de": {"der", "die", "und", "das", "nicht", "mit", "von", "ist", "den", "sich"},
    "fr": {"le", "la", "les", "et", "des", "est", "une", "du", "pour", "dans"},
    "tr": {"ve", "bir", "bu", "ile", "için", "da", "de", "olarak", "çin", "olan"},
    # Uyghur in Latin script (ULY): "and", "with", "for", "being", "this", "that", "day of" …
    "ug-Latn": {"we", "bilen", "üchün", "bolup", "bu", "u", "dep", "emes", "bolghan", "küni"},
}
_STOP_LANGS = tuple(_STOPWORDS)


def _script(ch: str) -> str | None:
    cp = ord(ch)
    if cp < 0x250:
        return "latin" if ch.isalpha() else None
    if 0x0400 <= cp <= 0x052F:
        return "cyrillic"
    if 0x0600 <= cp <= 0x06FF or 0xFB50 <= cp <= 0xFEFF:
        return "arabic"
    if 0x3040 <= cp <= 0x30FF:
        return "kana"
    if 0x3400 <= cp <= 0x9FFF or 0xF900 <= cp <= 0xFAFF:
        return "han"
    if 0x1E00 <= cp <= 0x1EFF:
        return "latin"
    return None


# _script's classes as regular expressions (checked equal to _script for every code point), so that
# counting letters does not loop over the characters in Python: 20x faster, which batch runs feel.
def _class_of_letters(lo: int, hi: int) -> str:
    letters = [cp for cp in range(lo, hi) if chr(cp).isalpha()]
    ranges: list[list[int]] = []
    for cp in letters:
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1][1] = cp
        else:
            ranges.append([cp, cp])
    return "".join(chr(a) if a == b else f"{chr(a)}-{chr(b)}" for a, b in ranges)


_LATIN_NON_ASCII = re.compile(f"[{_class_of_letters(0x80, 0x250)}\u1e00-\u1eff]")
_LATIN_ANY = re.compile(f"[A-Za-z{_class_of_letters(0x80, 0x250)}\u1e00-\u1eff]")
_ASCII_LETTERS = string.ascii_letters.encode()
_SCRIPT_RES = (
    ("cyrillic", re.compile("[\u0400-\u052f]")),
    ("arabic", re.compile("[\u0600-\u06ff\ufb50-\ufeff]")),
    ("kana", re.compile("[\u3040-\u30ff]")),
    ("han", re.compile("[\u3400-\u9fff\uf900-\ufaff]")),
)


def _latin_count(head: str) -> int:
    ascii_part = head.encode("ascii", "ignore")
    n = len(ascii_part) - len(ascii_part.translate(None, _ASCII_LETTERS))
    if len(ascii_part) < len(head):
        n += len(head) - len(_LATIN_NON_ASCII.sub("", head))
    return n


def _script_counts(head: str) -> Counter[str]:
    """Letters per script, in order of each script's first appearance (as a loop over _script gives)."""
    found = []
    first = _LATIN_ANY.search(head)
    if first is not None:
        found.append((first.start(), "latin", _latin_count(head)))
    for name, rx in _SCRIPT_RES:
        first = rx.search(head)
        if first is not None:
            found.append((first.start(), name, len(head) - len(rx.sub("", head))))
    return Counter({name: n for _, name, n in sorted(found)})


def detect_language(text: str, han_table: Mapping[int, str] | None = None, sample: int = 20000) -> tuple[str, dict[str, float]]:
    """The document's main language tag and the share of each language's script.

    >>> detect_language("Uyghurs in Xinjiang")[0], detect_language("新疆维吾尔自治区")[0]
    ('en', 'zh-Hans')
    >>> detect_language("新疆維吾爾自治區", {ord("維"): "维", ord("爾"): "尔", ord("區"): "区"})[0]
    'zh-Hant'
    """
    head = text[:sample]
    counts = _script_counts(head)
    if not counts:
        return "und", {}
    trad = simp = 0
    if "han" in counts and han_table:
        folded, unfolded = _table_sets(han_table)
        trad = sum(map(folded.__contains__, head))
        simp = sum(map(unfolded.__contains__, head))
    uyghur = cyrillic = None
    if "arabic" in counts:
        # Presentation forms (ﯘ for ۇ) are read as the letters they shape.
        letters = head.translate(_ARABIC_FORMS) if _PRESENTATION_RE.search(head) else head
        uyghur = any(c in _UYGHUR_ARABIC for c in letters)
    if "cyrillic" in counts:
        cyrillic = _cyrillic_lang(head.lower())
    scores: tuple[int, ...] = ()
    if "latin" in counts:
        start = head[:5000]
        # Lower-casing first splits no word, except at İ (whose lower case takes a combining dot).
        low = start.lower() if "\u0130" not in start else None
        words = Counter(_WORD_RE.findall(low) if low is not None else (w.lower() for w in _WORD_RE.findall(start)))
        scores = tuple(sum(words[w] for w in stop) for stop in _STOPWORDS.values())
    return _verdict(counts, trad, simp, bool(uyghur), cyrillic or "ru", scores)


def _verdict(
    counts: Mapping[str, int], trad: int, simp: int, uyghur: bool, cyrillic: str, scores: tuple[int, ...]
) -> tuple[str, dict[str, float]]:
    """The language of each script present and their shares, from what was counted.

    ``counts``: letters per script, in order of first appearance; ``trad``/``simp``: traditional
    and simplified Han characters; ``uyghur``: a Uyghur-only Arabic letter was seen;
    ``cyrillic``: the verdict on the Cyrillic letters; ``scores``: stop words per language of
    ``_STOPWORDS``. Both detectors, Python and the C core's counts, end here.
    """
    if len(counts) == 1 and "latin" in counts:  # the commonest case, without the Counter
        lang = _stop_lang(scores)
        return lang, {lang: 1.0}
    langs: Counter[str] = Counter()
    for script, n in counts.items():
        if script == "han":
            japanese = counts.get("kana", 0) > n * 0.05
            lang = "ja" if japanese else "zh-Hant" if trad > simp else "zh-Hans"
        elif script == "kana":
            lang = "ja"
        elif script == "arabic":
            lang = "ug-Arab" if uyghur else "ar"
        elif script == "cyrillic":
            lang = cyrillic
        else:
            lang = _stop_lang(scores)
        langs[lang] += n * _WEIGHT.get(script, 1)
    total = sum(langs.values())
    shares = {k: round(v / total, 3) for k, v in langs.most_common()}
    return langs.most_common(1)[0][0], shares


_TABLE_SETS: dict[int, tuple[Mapping[int, str], frozenset[str], frozenset[str]]] = {}


def _table_sets(table: Mapping[int, str]) -> tuple[frozenset[str], frozenset[str]]:
    """The Han characters ``table`` folds (traditional), and its Han results that it does not fold
    (simplified). Only Han characters: the table also folds full-width Latin letters and
    punctuation, which say nothing of traditional against simplified."""
    cached = _TABLE_SETS.get(id(table))
    if cached is None or cached[0] is not table:
        folded = frozenset(ch for ch in map(chr, table) if is_han(ch))
        cached = (table, folded, frozenset(v for v in table.values() if len(v) == 1 and is_han(v)) - folded)
        _TABLE_SETS.clear()
        _TABLE_SETS[id(table)] = cached
    return cached[1], cached[2]


_SCRIPT_NAMES = ("latin", "cyrillic", "arabic", "kana", "han")


def detect_language_native(core: object, text: str, spans: object = None, sample: int = 20000) -> tuple[str, dict[str, float]]:
    """:func:`detect_language` of ``text`` (with ``spans`` blanked out) from the C core's counts.

    ``core`` is a glossary's compiled core (its Han table decides traditional against
    simplified); ``spans`` a sorted list of tuples starting with (start, end), or None.
    """
    counts, firsts, trad, simp, flags, scores = core.lang_stats(text, spans, sample)  # type: ignore[attr-defined]
    if counts[0] and counts[1:] == _NONE_OTHER:  # Latin letters only, the commonest case
        lang = _stop_lang(scores)
        return lang, {lang: 1.0}
    from . import native

    found = sorted((first, name, n) for first, name, n in zip(firsts, _SCRIPT_NAMES, counts, strict=True) if n)
    if not found:
        return "und", {}
    cyrillic = _cyrillic_verdict(
        bool(flags & native.L_KK_ONLY), bool(flags & native.L_ZHE), bool(flags & native.L_UG_KK), bool(flags & native.L_KY)
    )
    by_script = {name: n for _, name, n in found}
    return _verdict(by_script, trad, simp, bool(flags & native.L_UYGHUR), cyrillic, scores)


_NONE_OTHER = (0, 0, 0, 0)  # no letter of the scripts after Latin in _SCRIPT_NAMES


def _stop_lang(scores: tuple[int, ...]) -> str:
    """The language with the most stop words (the first on a tie), English when there are none."""
    scores = scores[: len(_STOP_LANGS)]
    top = max(scores, default=0)
    return _STOP_LANGS[scores.index(top)] if top > 0 else "en"

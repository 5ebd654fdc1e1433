"""The C core (``termnorm._core``) and the tables it walks.

The core does the per-character work of matching in C: folding with its offset map, the
automaton scan with word boundaries and inflections, the leftmost-longest choice, quotation
regions and the letter counts of language detection. Every table it uses is built here from the
Python definitions in :mod:`termnorm.fold`, :mod:`termnorm.matcher` and :mod:`termnorm.script`,
so a folding rule lives in one place; the tests compare both paths on real and random text.

The core is optional: a wheel built without a C compiler, or ``TERMNORM_PURE=1`` in the
environment, runs the pure-Python path, which gives the same results more slowly.
"""

from __future__ import annotations

import os
import unicodedata
from array import array
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .fold import _DELETE_RANGES, HAN_RANGES, expansions, is_han

if TYPE_CHECKING:
    from .matcher import Matcher

try:
    from . import _core
except ImportError:  # built without a C compiler
    _core = None  # type: ignore[assignment]

TABLE_SIZE = 0x20000  # code points with a table entry (planes 0 and 1); the rest are looked up

# Class bits (keep in step with _core.c)
C_DELETE, C_EXPAND, C_WORD, C_CJK, C_GAP, C_DIGIT, C_UNFIT, C_ALNUM = (1 << i for i in range(8))
L_LATIN, L_CYRILLIC, L_ARABIC, L_KANA, L_HAN = 1, 2, 3, 4, 5
L_TRAD, L_SIMP, L_UYGHUR, L_KK_ONLY, L_UG_KK, L_ZHE, L_KY, L_WORD, L_STOPCHAR = (8 << i for i in range(9))
K_START, K_END, K_STEM, K_DYNAMIC = 1, 2, 4, 8


# Whether matching uses the core (when it is built); TERMNORM_PURE=1 switches it off.
ENABLED = _core is not None and not os.environ.get("TERMNORM_PURE")


def assemble(atype: type, text: str, matches: list[Any], copies: dict[Any, Any], miss: Any) -> list[Any]:
    """The annotations of the core's ``matches``: copies of those seen before, ``miss`` for the rest."""
    assert _core is not None, "only called when the core is built"
    return _core.assemble(atype, text, matches, copies, miss)


def letter_runs(text: str, letters: bytes, shortest: int, known: Any = None) -> set[str]:
    """The distinct runs of ``letters`` (a bitmap of the BMP) at least ``shortest`` long in ``text``,
    less those in ``known`` (a :func:`token_set`)."""
    assert _core is not None, "only called when the core is built"
    return _core.letter_runs(text, letters, shortest, known)


def token_set() -> Any:
    """An empty set of words that :func:`letter_runs` can leave out; None without the core."""
    return _core.TokenSet() if ENABLED and _core is not None else None


def fold_tables(table: Mapping[int, str]) -> tuple[bytes, bytes, dict[int, int]]:
    """The one-to-one fold of every code point (lower case, then ``table``) and its classes."""
    chars = [chr(cp) for cp in range(TABLE_SIZE)]
    lut = array("I", bytes(4 * TABLE_SIZE))
    cls = bytearray(TABLE_SIZE)
    get = table.get
    for cp, ch in enumerate(chars):
        low = "i" if cp == 0x130 else ch.lower()  # fold() turns İ into I before lower-casing
        if len(low) != 1:
            cls[cp] |= C_UNFIT
            continue
        folded = get(ord(low), low)
        if len(folded) != 1:
            cls[cp] |= C_UNFIT
            continue
        lut[cp] = ord(folded)
    for lo, hi in _DELETE_RANGES:
        for cp in range(lo, hi + 1):
            cls[cp] |= C_DELETE
    for ch in expansions():
        cls[ord(ch)] |= C_EXPAND
    for cp, ch in enumerate(chars):
        alnum = ch.isalnum()
        flags = C_ALNUM if alnum else 0
        han = is_han(ch)
        if (alnum and not han) or unicodedata.category(ch) in ("Mn", "Mc"):
            flags |= C_WORD
        if han or 0x3001 <= cp <= 0x303F:
            flags |= C_CJK | C_GAP
        if ch.isdigit():
            flags |= C_DIGIT
        if flags:
            cls[cp] |= flags
    for ch in "0123456789.":
        cls[ord(ch)] |= C_GAP
    astral = {}
    for cp, dst in table.items():
        if cp >= TABLE_SIZE and len(dst) == 1 and ord(dst) != cp:
            astral[cp] = ord(dst)
    assert all(lo >= TABLE_SIZE or hi < TABLE_SIZE for lo, hi in HAN_RANGES)
    return lut.tobytes(), bytes(cls), astral


def lang_tables(han_table: Mapping[int, str]) -> tuple[bytes, dict[int, int]]:
    """What each code point tells of a document's language (see :mod:`termnorm.script`)."""
    from .script import _ARABIC_FORMS, _KAZAKH_ONLY, _KYRGYZ, _STOPWORDS, _UYGHUR_ARABIC, _UYGHUR_KAZAKH

    stop_letters = {c for words in _STOPWORDS.values() for word in words for c in word}

    lcls = array("H", bytes(2 * TABLE_SIZE))
    for cp in range(TABLE_SIZE):
        ch = chr(cp)
        script = 0
        if cp < 0x250:
            script = L_LATIN if ch.isalpha() else 0
        elif 0x0400 <= cp <= 0x052F:
            script = L_CYRILLIC
        elif 0x0600 <= cp <= 0x06FF or 0xFB50 <= cp <= 0xFEFF:
            script = L_ARABIC
        elif 0x3040 <= cp <= 0x30FF:
            script = L_KANA
        elif 0x3400 <= cp <= 0x9FFF or 0xF900 <= cp <= 0xFAFF:
            script = L_HAN
        elif 0x1E00 <= cp <= 0x1EFF:
            script = L_LATIN
        flags = script
        if ch in _UYGHUR_ARABIC or _ARABIC_FORMS.get(cp, "") in _UYGHUR_ARABIC:
            flags |= L_UYGHUR
        low = ch.lower()
        if low in _KAZAKH_ONLY:
            flags |= L_KK_ONLY
        if low in _UYGHUR_KAZAKH:
            flags |= L_UG_KK
        if low == "җ":
            flags |= L_ZHE
        if low in _KYRGYZ:
            flags |= L_KY
        if ch.isalnum() and not ch.isdecimal() and ch != "_":
            flags |= L_WORD
        if len(low) == 1 and low in stop_letters:
            flags |= L_STOPCHAR
        lcls[cp] = flags
    astral: dict[int, int] = {}
    folded = {cp for cp in han_table if is_han(chr(cp))}  # as script._table_sets: Han characters only
    for cp in folded:
        if cp < TABLE_SIZE:
            lcls[cp] |= L_TRAD
        else:
            astral[cp] = astral.get(cp, 0) | L_TRAD
    for value in han_table.values():
        if len(value) == 1 and is_han(value) and ord(value) not in folded:
            cp = ord(value)
            if cp < TABLE_SIZE:
                lcls[cp] |= L_SIMP
            else:
                astral[cp] = astral.get(cp, 0) | L_SIMP
    return lcls.tobytes(), astral


def stop_words() -> list[tuple[str, int]]:
    """The stop words of :mod:`termnorm.script`, each with the index of its language."""
    from .script import _STOPWORDS

    return sorted(((word, i) for i, words in enumerate(_STOPWORDS.values()) for word in words), key=lambda w: (w[0][0], w))


def _rules(matcher: Matcher, statics: list[Any]) -> list[Any]:
    """Per key: None when its terms are static, else its rules for the core (None when too many: Python checks them)."""
    return [None if static is not None else _term_rules(matcher, kid) for kid, static in enumerate(statics)]


def calls_back(matcher: Matcher) -> bool:
    """Whether the core leaves some key's case and context checks to a Python callback."""
    return any(spec[4] is None and len(matcher.keys[kid].terms) > _CORE_TERMS for kid, spec in enumerate(matcher._specs))


def build_core(matcher: Matcher) -> Any:
    """The C core for ``matcher``'s keys and tables, or None without the C extension."""
    if _core is None:
        return None
    lut, cls, astral = fold_tables(matcher.table)
    lcls, astral_lang = lang_tables(matcher.table)
    kflags = bytearray()
    statics: list[Any] = []
    for kid, info in enumerate(matcher.keys):
        static = matcher._specs[kid][4]
        flags = (K_START if info.start_boundary else 0) | (K_END if info.end_boundary else 0)
        flags |= K_STEM if info.stem else 0
        flags |= K_DYNAMIC if static is None else 0
        kflags.append(flags)
        statics.append(static)
    keys = [info.key for info in matcher.keys]
    rules = _rules(matcher, statics)
    args = (lut, cls, lcls, astral, astral_lang, _expansion_table(), keys, bytes(kflags), statics, stop_words(), rules)
    return _core.Core(*args)


_CORE_TERMS = 64  # a key with more terms has its checks done by a Python callback


def _term_rules(matcher: Matcher, kid: int) -> tuple[Any, ...] | None:
    """The case and context rules of a key's terms, as the core checks them (None: too many terms)."""
    terms = matcher.keys[kid].terms
    if len(terms) > _CORE_TERMS:
        return None
    entries: dict[str, int] = {}
    out = []
    for i in terms:
        term = matcher.terms[i]
        entry = entries.setdefault(term.entry, len(entries))
        form = term.form if term.case_sensitive else None
        out.append((i, entry, bool(term.ambiguous), form, matcher._context_keys.get(i)))
    return tuple(out)


def _expansion_table() -> dict[int, str]:
    return {ord(ch): out for ch, out in expansions().items()}

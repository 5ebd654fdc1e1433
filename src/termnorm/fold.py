"""Folding text into a match key, with a map back to the original offsets.

Matching runs on a *folded* copy of the text: lower case, no diacritics, ASCII width, one kind
of quote, apostrophe, hyphen and name separator, every whitespace run as one space, no soft
hyphens or zero-width characters, simplified Chinese characters, canonical Arabic letters.
Most of that maps one character to one character, so the folded copy keeps the original's
offsets; the few operations that change length (collapsing whitespace, deleting invisible
characters, expanding ``ß``) are recorded as segments, so every folded span maps back to an exact
span of the caller's text.

NFKC is not used: it would fold far more than wanted (superscripts, circled letters) and it
changes length unpredictably. The tables below say exactly what is folded.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

SPACE = " "
SEPARATOR = "."  # canonical name separator: 伊力哈木·土赫提 = 伊力哈木.土赫提

_WHITESPACE = "\t\n\v\f\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
_HYPHENS = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2043\ufe58\ufe63\uff0d\u2e3a\u2e3b\u058a\u05be"
_APOSTROPHES = "\u2018\u2019\u201a\u201b\u2032\u02bc\u02bb\u0060\u00b4\uff07"
_DOUBLE_QUOTES = "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb\u2039\u203a\u300c\u300d\u300e\u300f\u301d\u301e\uff02"
_SEPARATORS = "\u00b7\u2022\u30fb\u2027\u2219\u22c5\uff65\uff0e\u0387\u16eb\u2e31"
# Invisible characters deleted before matching: soft hyphen, zero-width space/joiners, word
# joiner, BOM, Arabic tatweel, variation selectors, and combining marks (decomposed accents,
# Arabic harakat) which the diacritic fold drops anyway.
_DELETE_RANGES = [
    (0x00AD, 0x00AD),
    (0x200B, 0x200F),
    (0x2060, 0x2064),
    (0xFEFF, 0xFEFF),
    (0x0640, 0x0640),
    (0xFE00, 0xFE0F),
    (0x0300, 0x036F),
    (0x1AB0, 0x1AFF),
    (0x1DC0, 0x1DFF),
    (0x20D0, 0x20FF),
    (0x064B, 0x065F),
    (0x0670, 0x0670),
    (0x06D6, 0x06ED),
]
# Characters whose fold is longer than one character.
_EXPAND = {
    "\u00df": "ss",
    "\u1e9e": "ss",
    "\ufb00": "ff",
    "\ufb01": "fi",
    "\ufb02": "fl",
    "\ufb03": "ffi",
    "\ufb04": "ffl",
    "\ufb05": "st",
    "\ufb06": "st",
    "\u0149": "\u02bcn",
}
# Arabic letters that Persian and Arabic keyboards put in place of the Uyghur ones.
_ARABIC = {
    "\u06cc": "\u0649",  # Farsi yeh -> alef maksura (Uyghur i/e)
    "\u064a": "\u0649",  # Arabic yeh -> alef maksura
    "\u06a9": "\u0643",  # keheh -> kaf
    "\u0647": "\u06d5",  # heh -> ae (Uyghur e)
    "\u0629": "\u06d5",  # teh marbuta -> ae
}


def _is_deletable(cp: int) -> bool:
    return any(lo <= cp <= hi for lo, hi in _DELETE_RANGES)


def _latin_base(ch: str) -> str | None:
    """The base letter of a precomposed Latin/Cyrillic letter with diacritics, if any."""
    decomposed = unicodedata.normalize("NFD", ch)
    if len(decomposed) > 1 and all(unicodedata.combining(c) for c in decomposed[1:]):
        return decomposed[0]
    return None


@lru_cache(maxsize=1)
def base_table() -> dict[int, str]:
    """The one-to-one folds that do not depend on the glossary (applied after ``str.lower``)."""
    table: dict[int, str] = {}
    for ch in _WHITESPACE + _HYPHENS:
        table[ord(ch)] = SPACE
    for ch in _APOSTROPHES:
        table[ord(ch)] = "'"
    for ch in _DOUBLE_QUOTES:
        table[ord(ch)] = '"'
    for ch in _SEPARATORS:
        table[ord(ch)] = SEPARATOR
    for cp in range(0xFF01, 0xFF5F):  # full-width ASCII
        table[cp] = chr(cp - 0xFEE0).lower()
    for lo, hi in ((0x00C0, 0x024F), (0x1E00, 0x1EFF), (0x0400, 0x04FF)):
        for cp in range(lo, hi + 1):
            low = chr(cp).lower()
            if len(low) != 1:
                continue
            base = _latin_base(low)
            # Cyrillic й and ў are letters of their own, not и and у with a mark.
            if base is not None and low not in "йўѝ":
                table[cp] = base.lower()
            elif low != chr(cp):
                table[cp] = low
    table[ord("\u017f")] = "s"  # long s
    table[ord("\u03c2")] = "\u03c3"  # final sigma
    for src, dst in _ARABIC.items():
        table[ord(src)] = dst
    for cp in list(range(0xFB50, 0xFE00)) + list(range(0xFE70, 0xFF00)):
        nfkc = unicodedata.normalize("NFKC", chr(cp))
        if len(nfkc) == 1 and nfkc != chr(cp):
            table[cp] = _ARABIC.get(nfkc, nfkc)
    for cp in list(range(0x0660, 0x066A)) + list(range(0x06F0, 0x06FA)):
        table[cp] = str(unicodedata.digit(chr(cp)))
    for cp in (0x0130,):
        table.pop(cp, None)
    return table


@lru_cache(maxsize=1)
def _arabic_expansions() -> dict[str, str]:
    out = {}
    for cp in list(range(0xFB50, 0xFE00)) + list(range(0xFE70, 0xFF00)):
        nfkc = unicodedata.normalize("NFKC", chr(cp))
        if len(nfkc) > 1 and all("\u0600" <= c <= "\u06ff" for c in nfkc):
            out[chr(cp)] = "".join(_ARABIC.get(c, c) for c in nfkc)
    return out


def expansions() -> dict[str, str]:
    """Characters whose folded form has another length (deleted or expanded)."""
    return {**_EXPAND, **_arabic_expansions()}


_DELETE_CLASS = "".join(f"\\u{lo:04x}" if lo == hi else f"\\u{lo:04x}-\\u{hi:04x}" for lo, hi in _DELETE_RANGES)


@lru_cache(maxsize=1)
def _special_re() -> re.Pattern[str]:
    chars = "".join(re.escape(c) for c in expansions())
    return re.compile(f"[{_DELETE_CLASS}]+|[{chars}]")


HAN_RANGES = ((0x3040, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3134F))


def is_han(ch: str) -> bool:
    """True for CJK ideographs and kana: scripts written without spaces between words.

    >>> is_han("新"), is_han("ウ"), is_han("a")
    (True, True, False)
    """
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in HAN_RANGES)


_HAN_CLASS = "".join(f"\\U{lo:08x}-\\U{hi:08x}" for lo, hi in HAN_RANGES)
_HAN_GAP_RE = re.compile(f"(?<=[{_HAN_CLASS}{re.escape(SEPARATOR)}]) +(?=[{_HAN_CLASS}{re.escape(SEPARATOR)}])")


@lru_cache(maxsize=4096)
def is_word_char(ch: str) -> bool:
    """True when ``ch`` continues a word of a spaced script (Latin, Cyrillic, Arabic, digits).

    Han script and kana are not word characters: a Latin term next to them ends there.

    >>> is_word_char("a"), is_word_char("ü"), is_word_char("5"), is_word_char("新"), is_word_char("-")
    (True, True, True, False, False)
    """
    if ch.isalnum():
        return not is_han(ch)
    return unicodedata.category(ch) in ("Mn", "Mc")


@dataclass(frozen=True, slots=True)
class Folded:
    """A folded text and the segments that map its offsets back to the original.

    ``segments`` is empty when folding kept every offset (the common case). Otherwise it holds
    ``(folded_start, original_start, original_end, identity)`` for each segment in order.
    """

    text: str
    original_length: int
    segments: tuple[tuple[int, int, int, bool], ...] = ()
    starts: tuple[int, ...] = ()

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a folded span ``[start, end)`` to the original text.

        >>> f = fold("de\\u00adradicalization  drive")
        >>> f.text
        'deradicalization drive'
        >>> f.to_original(0, 16), f.to_original(17, 22)
        ((0, 17), (19, 24))
        """
        if not self.segments:
            return start, end
        return self._map(start, is_end=False), self._map(end, is_end=True)

    def _map(self, pos: int, *, is_end: bool) -> int:
        segs = self.segments
        starts = self.starts
        if is_end:
            if pos == 0:
                return 0
            i = bisect_right(starts, pos - 1) - 1
            fstart, ostart, oend, identity = segs[i]
            return ostart + (pos - fstart) if identity else oend
        if pos >= len(self.text):
            return self.original_length
        i = bisect_right(starts, pos) - 1
        fstart, ostart, oend, identity = segs[i]
        return ostart + (pos - fstart) if identity else ostart


def _apply_edits(flat: str, edits: Iterable[tuple[int, int, str]], original_length: int) -> Folded:
    """Build the folded text from a length-preserving fold and sorted, non-overlapping edits."""
    pieces: list[str] = []
    segments: list[tuple[int, int, int, bool]] = []
    pos = 0  # in flat / original (same offsets)
    out = 0  # in folded output
    for start, end, repl in edits:
        if start < pos:
            continue
        if start > pos:
            pieces.append(flat[pos:start])
            segments.append((out, pos, start, True))
            out += start - pos
        if repl:
            pieces.append(repl)
            segments.append((out, start, end, False))
            out += len(repl)
        pos = end
    if not segments:
        return Folded(flat, original_length)
    if pos < len(flat):
        pieces.append(flat[pos:])
        segments.append((out, pos, len(flat), True))
    elif not segments or segments[-1][0] != out:
        segments.append((out, pos, pos, True))
    return Folded("".join(pieces), original_length, tuple(segments), tuple(s[0] for s in segments))


def _space_runs(flat: str) -> Iterable[tuple[int, int]]:
    """Runs of two or more spaces in ``flat`` (found with ``str.find``, which is fast)."""
    find = flat.find
    n = len(flat)
    i = find("  ")
    while i >= 0:
        j = i + 2
        while j < n and flat[j] == SPACE:
            j += 1
        yield i, j
        i = find("  ", j)


def _edits(original: str, flat: str, *, ascii_only: bool) -> list[tuple[int, int, str]]:
    """Every length-changing fold of ``original`` (whose one-to-one fold is ``flat``)."""
    edits: list[tuple[int, int, str]] = []
    if not ascii_only:
        exp = expansions()
        for m in _special_re().finditer(original):
            s = m.group()
            edits.append((m.start(), m.end(), exp.get(s, "")))
    for start, end in _space_runs(flat):
        edits.append((start, end, SPACE))
    if not ascii_only:
        for m in _HAN_GAP_RE.finditer(flat):
            edits.append((m.start(), m.end(), ""))
    if not edits:
        return edits
    edits.sort()
    return _merge_runs(flat, edits)


def _merge_runs(flat: str, edits: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Merge overlapping edits; a space run between Han characters disappears entirely."""
    merged: list[tuple[int, int, str]] = []
    for start, end, repl in edits:
        if merged and start <= merged[-1][1]:
            pstart, pend, prepl = merged[-1]
            new_end = max(end, pend)
            text = flat[pstart:new_end]
            merged[-1] = (pstart, new_end, SPACE if SPACE in text and (prepl or repl) else prepl + repl)
        else:
            merged.append((start, end, repl))
    out = []
    for start, end, repl in merged:
        if repl == SPACE and start > 0 and end < len(flat):
            before, after = flat[start - 1], flat[end]
            if (is_han(before) or before == SEPARATOR) and (is_han(after) or after == SEPARATOR):
                repl = ""
        out.append((start, end, repl))
    return out


def fold(text: str, table: Mapping[int, str] | None = None) -> Folded:
    """Fold ``text`` for matching; ``table`` adds the glossary's one-to-one folds (Chinese script).

    >>> fold("UIGHUR’s  Ürümqi").text
    "uighur's urumqi"
    >>> fold("Three\\u00a0evil\\nforces").text
    'three evil forces'
    >>> fold("新疆 维吾尔").text
    '新疆维吾尔'
    """
    table = base_table() if table is None else table
    lowered = text.lower() if "\u0130" not in text else text.replace("\u0130", "I").lower()
    ascii_only = text.isascii()
    if not ascii_only and len(text) > _NUMPY_THRESHOLD:
        flat = _numpy_translate(lowered, table)
    else:
        flat = lowered.translate(table)
    edits = _edits(text, flat, ascii_only=ascii_only)
    if not edits:
        return Folded(flat, len(text))
    return _apply_edits(flat, edits, len(text))


def fold_key(form: str, table: Mapping[int, str] | None = None) -> str:
    """The match key of a glossary form: its folded text without outer spaces.

    >>> fold_key("  De-Radicalisation ")
    'de radicalisation'
    """
    return fold(form, table).text.strip(SPACE)


_NUMPY_THRESHOLD = 65_536
_NUMPY_TABLES: dict[int, Any] = {}


def _numpy_translate(lowered: str, table: Mapping[int, str]) -> str:
    """``lowered.translate(table)`` for long texts, vectorised over UTF-16 code units.

    Falls back to ``str.translate`` when numpy is missing or the text has characters outside
    the Basic Multilingual Plane (their UTF-16 units would not line up with code points).
    """
    try:
        import numpy as np
    except ImportError:  # pragma: no cover - numpy is a dependency
        return lowered.translate(table)
    raw = lowered.encode("utf-16-le", "surrogatepass")
    if len(raw) != 2 * len(lowered):
        return lowered.translate(table)
    cached = _NUMPY_TABLES.get(id(table))
    lut = cached[1] if cached is not None and cached[0] is table else None
    if lut is None:
        lut = np.arange(0x10000, dtype=np.uint16)
        for cp, dst in table.items():
            if cp < 0x10000 and len(dst) == 1 and ord(dst) < 0x10000:
                lut[cp] = ord(dst)
        _NUMPY_TABLES.clear()
        _NUMPY_TABLES[id(table)] = (table, lut)
    units = np.frombuffer(raw, dtype=np.uint16)
    return lut[units].tobytes().decode("utf-16-le", "surrogatepass")

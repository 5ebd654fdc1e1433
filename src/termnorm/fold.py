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
import sys
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
    for cp in range(0xFF01, 0xFF5F):  # full-width ASCII, folded as its ASCII twin is (－ is a hyphen)
        narrow = chr(cp - 0xFEE0).lower()
        table[cp] = table.get(ord(narrow), narrow)
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


@lru_cache(maxsize=1)
def expansions() -> dict[str, str]:
    """Characters whose folded form has another length (deleted or expanded); do not modify."""
    return {**_EXPAND, **_arabic_expansions()}


_DELETE_CLASS = "".join(f"\\u{lo:04x}" if lo == hi else f"\\u{lo:04x}-\\u{hi:04x}" for lo, hi in _DELETE_RANGES)


@lru_cache(maxsize=1)
def _special_re() -> re.Pattern[str]:
    chars = "".join(re.escape(c) for c in expansions())
    return re.compile(f"[{_DELETE_CLASS}]+|[{chars}]")


HAN_RANGES = ((0x3040, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x3134F))


@lru_cache(maxsize=65_536)
def is_han(ch: str) -> bool:
    """True for CJK ideographs and kana: scripts written without spaces between words.

    >>> is_han("新"), is_han("ウ"), is_han("a")
    (True, True, False)
    """
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in HAN_RANGES)


_HAN_CLASS = "".join(f"\\U{lo:08x}-\\U{hi:08x}" for lo, hi in HAN_RANGES)
_CJK_PUNCT = "\u3001-\u303f"  # 、。〈〉《》「」【】 … (full-width ASCII is folded to ASCII first)
# Candidates for a stray space inside Chinese text; _joins decides (新疆 维吾尔, 7· 5事件, 2009 年).
_GAP_CLASS = f"{_HAN_CLASS}{_CJK_PUNCT}0-9{re.escape(SEPARATOR)}"
_HAN_GAP_RE = re.compile(f"(?<=[{_GAP_CLASS}]) +(?=[{_GAP_CLASS}])")


def _is_cjk(ch: str) -> bool:
    return ch != "" and (is_han(ch) or "\u3001" <= ch <= "\u303f")


def _joins(before2: str, before: str, after: str) -> bool:
    """Whether a run of spaces between ``before`` and ``after`` is noise inside Chinese text.

    >>> _joins("", "新", "维"), _joins("7", ".", "5"), _joins("", "9", "年"), _joins("", "7", "5")
    (True, True, True, False)
    """
    if _is_cjk(before):
        return _is_cjk(after) or after == SEPARATOR or after.isdigit()
    if before == SEPARATOR:
        return _is_cjk(after) or after == SEPARATOR or (after.isdigit() and (before2.isdigit() or _is_cjk(before2)))
    return before.isdigit() and (_is_cjk(after) or after == SEPARATOR)


@lru_cache(maxsize=4096)
def _may_join(before: str) -> bool:
    """False when :func:`_joins` is False whatever follows ``before`` (most spaces: after a letter)."""
    return _is_cjk(before) or before == SEPARATOR or before.isdigit()


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
    # From the C core: int32 pairs (original start, original end) per folded character, as
    # bytes (what the core's find() reads) and as a memoryview of ints; None when identity.
    omap: bytes | None = None
    view: Any = None

    @classmethod
    def from_map(cls, text: str, original_length: int, omap: bytes | None) -> Folded:
        """A folded text with the C core's offset map (None: every offset kept)."""
        if omap is None:
            return cls(text, original_length)
        return cls(text, original_length, omap=omap, view=memoryview(omap).cast("i"))

    @property
    def identity(self) -> bool:
        """True when every folded offset is the original offset."""
        return not self.segments and self.view is None

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a folded span ``[start, end)`` to the original text.

        >>> f = fold("de\\u00adradicalization  drive")
        >>> f.text
        'deradicalization drive'
        >>> f.to_original(0, 16), f.to_original(17, 22)
        ((0, 17), (19, 24))
        """
        view = self.view
        if view is not None:
            return (view[2 * start] if start < len(self.text) else self.original_length, view[2 * end - 1] if end > 0 else 0)
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
    if pos < len(flat):
        pieces.append(flat[pos:])
        segments.append((out, pos, len(flat), True))
    elif not segments or segments[-1][0] != out:
        segments.append((out, pos, pos, True))
    return Folded("".join(pieces), original_length, tuple(segments), tuple(s[0] for s in segments))


_SPACE_RUN_RE = re.compile("  +")


def _space_runs(flat: str) -> list[tuple[int, int]]:
    """Runs of two or more spaces in ``flat``."""
    return [m.span() for m in _SPACE_RUN_RE.finditer(flat)]


def _edits(original: str, flat: str, *, ascii_only: bool, hints: _Hints | None = None) -> list[tuple[int, int, str]]:
    """Every length-changing fold of ``original`` (whose one-to-one fold is ``flat``).

    ``hints`` (from :func:`_numpy_fold`) already holds where the characters to delete or expand
    are and where a single space stands between two characters that may join; a longer space
    run between them is judged by :func:`_merge_runs` in any case.
    """
    edits: list[tuple[int, int, str]] = []
    if not ascii_only:
        edits += _special_edits(original) if hints is None else _special_edits_at(original, hints.specials)
    edits += [(start, end, SPACE) for start, end in _space_runs(flat)]
    if not ascii_only:
        gaps = [m.span() for m in _HAN_GAP_RE.finditer(flat)] if hints is None else [(p, p + 1) for p in hints.gaps]
        for a, b in gaps:
            if _joins(_char_before(flat, a - 1), flat[a - 1], flat[b]):
                edits.append((a, b, ""))
    if not edits:
        return edits
    edits.sort()
    return _merge_runs(flat, edits)


def _special_edits(original: str) -> list[tuple[int, int, str]]:
    """Runs of invisible characters to delete, and characters to expand (ß -> ss)."""
    exp = expansions()
    return [(m.start(), m.end(), exp.get(m.group(), "")) for m in _special_re().finditer(original)]


def _special_edits_at(original: str, positions: list[int]) -> list[tuple[int, int, str]]:
    """:func:`_special_edits`, given the (sorted) positions of the special characters."""
    exp = expansions()
    edits = []
    i, n = 0, len(positions)
    while i < n:
        start = positions[i]
        if original[start] in exp:
            edits.append((start, start + 1, exp[original[start]]))
            i += 1
            continue
        i += 1
        while i < n and positions[i] == positions[i - 1] + 1 and original[positions[i]] not in exp:
            i += 1
        edits.append((start, positions[i - 1] + 1, ""))
    return edits


def _char_before(flat: str, pos: int) -> str:
    """The last character before ``pos`` that is not a space ("" at the start)."""
    pos -= 1
    while pos >= 0 and flat[pos] == SPACE:
        pos -= 1
    return flat[pos] if pos >= 0 else ""


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
    n = len(flat)
    for start, end, repl in merged:
        before = flat[start - 1] if start > 0 else ""
        # _may_join first: most runs follow a letter, and then need no closer look
        if (
            repl == SPACE
            and before
            and end < n
            and _may_join(before)
            and _joins(_char_before(flat, start - 1), before, flat[end])
        ):
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
    hints = _numpy_fold(lowered, table) if not ascii_only and use_numpy(len(text)) else None
    flat = lowered.translate(table) if hints is None else hints.text
    if not ascii_only and (hints is None or hints.mixed) and _MIXED_RE.search(flat):
        flat = _MIXED_TOKEN_RE.sub(_unmix, flat)
    edits = _edits(text, flat, ascii_only=ascii_only, hints=hints)
    if not edits:
        return Folded(flat, len(text))
    return _apply_edits(flat, edits, len(text))


# Cyrillic and Latin letters that look alike (lower case: upper-case look-alikes such as Т, В
# and Н are lower-cased before). In a word that mixes both scripts ("Uуghur" with a Cyrillic у,
# a reposted or OCR'd text), the fewer letters are read in the script of the others.
_CYRILLIC_LATIN = dict(zip("аеорсухіјѕһԁԛԝӏвнкмт", "aeopcyxijshdqwlbhkmt", strict=True))
_LATIN_CYRILLIC = dict(zip("aeopcyxijskmt", "аеорсухіјѕкмт", strict=True))
_MIXED_RE = re.compile("[a-z][\u0430-\u04ff]|[\u0430-\u04ff][a-z]")
_MIXED_TOKEN_RE = re.compile("[a-z\u0430-\u04ff]*(?:[a-z][\u0430-\u04ff]|[\u0430-\u04ff][a-z])[a-z\u0430-\u04ff]*")


def _unmix(m: re.Match[str]) -> str:
    """A word of mixed Latin and Cyrillic letters in its main script (same length).

    >>> fold("Uуghur Уpумчи").text  # a Cyrillic у, a Latin p
    'uyghur урумчи'
    """
    word = m.group()
    latin = sum("a" <= c <= "z" for c in word)
    if latin * 2 >= len(word):
        return "".join(_CYRILLIC_LATIN.get(c, c) for c in word)
    return "".join(_LATIN_CYRILLIC.get(c, c) for c in word)


def fold_key(form: str, table: Mapping[int, str] | None = None) -> str:
    """The match key of a glossary form: its folded text without outer spaces.

    >>> fold_key("  De-Radicalisation ")
    'de radicalisation'
    """
    return fold(form, table).text.strip(SPACE)


_NUMPY_THRESHOLD = 65_536  # one text this long pays for importing numpy (~80 ms) by itself
_NUMPY_VOLUME = 500_000  # and so do this many characters over many shorter texts (a batch)
_NUMPY_TABLES: dict[int, Any] = {}
_volume = 0


def use_numpy(length: int) -> bool:
    """Whether a pass over a non-ASCII text of ``length`` characters should use numpy.

    A short text (a draft on the command line) never pays for importing numpy; a long text, or
    a batch of texts that add up, does once, and from then on every text uses it.
    """
    global _volume
    if "numpy" in sys.modules:
        return True
    _volume += length
    return length > _NUMPY_THRESHOLD or _volume > _NUMPY_VOLUME


def lut_translate(text: str, lut: Any) -> str:
    """``text`` with every code point ``c`` replaced by ``lut[c]`` (a numpy uint32 array of 0x110000)."""
    import numpy as np

    units = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    result: str = lut[units].tobytes().decode("utf-32-le", "surrogatepass")
    return result


def _numpy_translate(lowered: str, table: Mapping[int, str]) -> str:
    """``lowered.translate(table)`` for long texts, vectorised over UTF-16 code units.

    Falls back to ``str.translate`` when the text has characters outside the Basic
    Multilingual Plane (their UTF-16 units would not line up with code points).
    """
    folded = _numpy_fold(lowered, table)
    return lowered.translate(table) if folded is None else folded.text


@dataclass(frozen=True, slots=True)
class _Hints:
    """A one-to-one fold, and where the text has what the slower passes of :func:`fold` look for."""

    text: str
    specials: list[int]  # positions of characters to delete or expand
    gaps: list[int]  # positions of single spaces between two characters of _GAP_CLASS
    mixed: bool  # whether a Latin and a Cyrillic letter stand side by side (what _MIXED_RE finds)


def _numpy_fold(lowered: str, table: Mapping[int, str]) -> _Hints | None:
    """The numpy path of :func:`fold`: one table look-up per code point, plus the hints.

    None when the table folds a character of the text into more than one character.
    """
    import numpy as np

    cached = _NUMPY_TABLES.get(id(table))
    if cached is None or cached[0] is not table:
        lut = np.arange(0x110000, dtype=np.uint32)
        unfit = np.zeros(0x110000, dtype=bool)  # folds a table of code points cannot hold
        for cp, dst in table.items():
            if len(dst) == 1:
                lut[cp] = ord(dst)
            else:
                unfit[cp] = True
        cached = (table, lut, unfit)
        if len(_NUMPY_TABLES) >= 4:
            _NUMPY_TABLES.clear()
        _NUMPY_TABLES[id(table)] = cached
    _, lut, unfit = cached
    special, gap = _masks()
    units = np.frombuffer(lowered.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    if unfit[units].any():
        return None
    folded = lut[units]
    in_class = gap[folded]
    gaps = (np.flatnonzero(in_class[:-2] & (folded[1:-1] == 0x20) & in_class[2:]) + 1).tolist() if len(folded) > 2 else []
    latin, cyrillic = (folded >= 0x61) & (folded <= 0x7A), (folded >= 0x430) & (folded <= 0x4FF)
    mixed = bool(cyrillic.any()) and bool(((latin[:-1] & cyrillic[1:]) | (cyrillic[:-1] & latin[1:])).any())
    text = folded.tobytes().decode("utf-32-le", "surrogatepass")
    return _Hints(text, np.flatnonzero(special[units]).tolist(), gaps, mixed)


@lru_cache(maxsize=1)
def _masks() -> tuple[Any, Any]:
    """Which code points are special (deleted or expanded), and which are in _GAP_CLASS."""
    return _mask(_special_re()), _mask(re.compile(f"[{_GAP_CLASS}]"))


def _mask(pattern: re.Pattern[str]) -> Any:
    """A numpy boolean array over all code points: which ones ``pattern`` matches (alone or in a run)."""
    import numpy as np

    mask = np.zeros(0x110000, dtype=bool)
    for base in range(0, 0x110000, 0x10000):  # a plane at a time: a string of them all is large
        for m in pattern.finditer("".join(map(chr, range(base, base + 0x10000)))):
            mask[base + m.start() : base + m.end()] = True
    return mask

"""One compiled multi-pattern matcher over every form of the glossary.

The forms are folded (see :mod:`termnorm.fold`) into keys and put in one Aho-Corasick automaton
(pyahocorasick, in C). A text is folded the same way, scanned once, and every hit is checked in
the folded text: word boundaries for spaced scripts, English inflections and Uyghur suffixes,
case-sensitive forms and context rules. The survivors are chosen leftmost-longest and
non-overlapping, and mapped back to exact spans of the original text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

import ahocorasick

from . import native
from .derive import english_variants, plural_variants
from .fold import SEPARATOR, SPACE, Folded, fold, fold_key, is_han, is_word_char, lut_translate, use_numpy
from .model import Context, Term

# English inflections attached to a match, tried longest first.
_EN_SUFFIXES = ("'s", "s'", "es", "s")


@dataclass(frozen=True, slots=True)
class KeyInfo:
    """What the matcher knows about one key: its length, boundary needs and terms."""

    key: str
    start_boundary: bool
    end_boundary: bool
    stem: bool
    terms: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Candidate:
    """A hit that passed the boundary and context checks, still in folded offsets."""

    start: int
    stop: int  # end of the match including any inflection
    key_end: int  # end of the key itself
    terms: tuple[int, ...]
    ambiguous: bool
    rule: str  # what matched: "form", "variant", ...


@dataclass(frozen=True, slots=True)
class RawMatch:
    """A chosen match in original offsets, before it becomes an annotation."""

    start: int
    end: int
    base_end: int  # end of the matched form, before an inflection suffix
    terms: tuple[int, ...]
    ambiguous: bool
    rule: str
    score: float | None = None  # similarity (0-100) of a fuzzy match; None for exact and folded
    # Other readings of the same span by the same entry: (term index, end of its form). The
    # French form "Kazakhs" and the English "Kazakh" + s cover the same text; which term the
    # annotation names depends on the document's language, decided later.
    readings: tuple[tuple[int, int], ...] = ()


_FORM_HYPHENS = "-\u2010\u2011\u2013\u2014"


def term_keys(term: Term, table: Mapping[int, str]) -> dict[str, str]:
    """Every match key of a term, each with the rule that produced it.

    >>> from termnorm.fold import base_table
    >>> from termnorm.model import Term
    >>> t = Term("de-radicalisation", "en", "framing", "admitted", "x")
    >>> sorted(term_keys(t, base_table()))
    ['de radicalisation', 'de radicalization', 'deradicalisation', 'deradicalization']
    >>> sorted(term_keys(Term("re-education camp", "en", "framing", "admitted", "x"), base_table()))
    ['re education camp', 'reeducation camp']
    """
    base = fold_key(term.form, table)
    if not base:
        return {}
    keys = {base: "form"}
    script = term.script
    if script in ("latin", "cyrillic") and any(c in term.form for c in _FORM_HYPHENS):
        # Only the hyphens close up: "re-education camp" is also "reeducation camp".
        closed = fold_key("".join(c for c in term.form if c not in _FORM_HYPHENS), table)
        if closed:
            keys.setdefault(closed, "hyphen removed")
    if script == "latin" and term.lang == "en":
        for key in list(keys):
            for variant in english_variants(key):
                keys.setdefault(variant, "british/american spelling")
        for variant in list(keys):
            for plural in plural_variants(variant):
                keys.setdefault(plural, "plural -ies")
    if script == "han" and SEPARATOR in base:
        keys.setdefault(base.replace(SEPARATOR, ""), "name without separator")
    return keys


class Matcher:
    """The compiled automaton plus the key table; build once per glossary, reuse for every text."""

    def __init__(self, terms: list[Term], table: Mapping[int, str]) -> None:
        self.terms = terms
        self.table = dict(table)
        by_key: dict[str, list[int]] = {}
        rules: dict[str, str] = {}
        for index, term in enumerate(terms):
            for key, rule in term_keys(term, self.table).items():
                by_key.setdefault(key, []).append(index)
                rules.setdefault(key, rule)
        self.keys: list[KeyInfo] = []
        self.rules: list[str] = []
        for key, indexes in by_key.items():
            first, last = key[0], key[-1]
            info = KeyInfo(
                key=key,
                start_boundary=is_word_char(first),
                end_boundary=is_word_char(last),
                stem=any(terms[i].stem for i in indexes),
                terms=tuple(indexes),
            )
            self.keys.append(info)
            self.rules.append(rules[key])
        self.automaton = _automaton([info.key for info in self.keys])
        self.key_index = {info.key: i for i, info in enumerate(self.keys)}
        self._context_keys = {
            i: _fold_context(terms[i].context, self.table) for i, t in enumerate(terms) if t.context is not None
        }
        self._specs = [self._spec(kid) for kid in range(len(self.keys))]
        # Characters of the keys outside ASCII: any other character of a non-ASCII text is
        # replaced by _OTHER before scanning (see _scan_text).
        self._alphabet = "".join(sorted({c for info in self.keys for c in info.key if not c.isascii()}))
        self._lut: Any = None
        self.core = native.build_core(self)
        # whether the core calls back into Python for some key's checks (see native.build_core)
        self._calls_back = native.calls_back(self)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_lut"] = None  # a numpy array: rebuilt on first use, so loading needs no numpy
        return state

    def _spec(self, kid: int) -> _KeySpec:
        """What the scan needs of a key, with the terms and ambiguity precomputed when no term checks case or context."""
        info = self.keys[kid]
        static: tuple[tuple[int, ...], bool] | None = None
        if not any(self.terms[i].case_sensitive or i in self._context_keys for i in info.terms):
            static = self._check_terms("", Folded("", 0), 0, 0, 0, info.terms)
        return (len(info.key), info.start_boundary, info.end_boundary, info.stem, static, self.rules[kid])

    def fold(self, text: str) -> Folded:
        """Fold ``text`` with this glossary's tables (in C when the core is built)."""
        core = self.core if native.ENABLED else None
        if core is not None:
            done = core.fold(text)
            if done is not None:
                return Folded.from_map(done[0], len(text), done[1])
        return fold(text, self.table)

    def scan_native(
        self, text: str, folded: Folded | None = None, *, keep: bool = False
    ) -> tuple[list[NativeMatch], Any, Folded | None] | None:
        """The chosen matches, the quotation regions and the fold, from the C core; None without it.

        Folds ``text`` itself when ``folded`` is not given (in the same C call), and returns that
        fold too with ``keep`` (else None in its place). Each match is ``(start, end, base_end,
        terms, ambiguous, key, quoted, opens, readings)`` in original offsets (see
        :meth:`raw_match`); None also when the text needs the Python fold. Without ``folded``
        or ``keep``, the regions are empty when nothing matched (they are not looked for).
        """
        core = self.core if native.ENABLED else None
        if core is None or (folded is not None and folded.segments):
            return None
        if folded is None and not self._calls_back:  # the commonest case, without a closure
            found = core.match(text, _no_check, keep)
            if found is None:
                return None
            if keep:
                return found[0], found[1], Folded.from_map(found[2], len(text), found[3])
            return found[0], found[1], None
        keys = self.keys
        seen: list[Folded] = [folded] if folded is not None else []

        def check(ftext: str, omap: bytes | None, start: int, key_end: int, stop: int, kid: int) -> Any:
            if not seen:
                seen.append(Folded.from_map(ftext, len(text), omap))
            terms, ambiguous = self._check_terms(text, seen[0], start, key_end, stop, keys[kid].terms)
            return (terms, ambiguous) if terms else None

        if folded is not None:
            matches, regions = core.find(text, folded.text, folded.omap, check)
            return matches, regions, folded
        found = core.match(text, check, keep)
        if found is None:
            return None
        if keep:
            matches, regions, ftext, omap = found
            return matches, regions, Folded.from_map(ftext, len(text), omap)
        return found[0], found[1], None

    def raw_match(self, found: NativeMatch) -> RawMatch:
        """A match of :meth:`scan_native` as a :class:`RawMatch`."""
        start, end, base_end, terms, ambiguous, kid, _quoted, _opens, readings = found
        match = RawMatch(start, end, base_end, terms, ambiguous, self.rules[kid])
        for other, other_end in readings or ():
            match = self._add_reading(match, other, other_end)
        return match

    def candidates(self, text: str, folded: Folded | None = None) -> list[Candidate]:
        """Every hit that passes boundary, case and context checks (overlapping)."""
        return [Candidate(*c) for c in self._scan(text, folded or self.fold(text))]

    def find(self, text: str, folded: Folded | None = None) -> list[RawMatch]:
        """The leftmost-longest, non-overlapping matches in ``text``, in original offsets."""
        folded = folded or self.fold(text)
        done = self.scan_native(text, folded)
        if done is not None:
            return [self.raw_match(m) for m in done[0]]
        found = self._scan(text, folded)
        if not found:
            return []
        # Same order as select(): leftmost, then longest, then the longer form.
        found.sort(key=lambda c: (c[0], -c[1], c[0] - c[2]))
        out: list[RawMatch] = []
        last = -1
        mapped = not folded.identity
        to_original = folded.to_original
        chosen: tuple[int, int] | None = None
        for start, stop, key_end, terms, ambiguous, rule in found:
            if start < last:
                if (start, stop) == chosen and out and not ambiguous and not out[-1].ambiguous:
                    base_end = key_end if folded.identity else folded.to_original(start, key_end)[1]
                    out[-1] = self._add_reading(out[-1], terms, base_end)
                continue
            last = stop
            chosen = (start, stop)
            if mapped:
                a, b = to_original(start, stop)
                base_end = to_original(start, key_end)[1]
                out.append(RawMatch(a, b, base_end, terms, ambiguous, rule))
            else:
                out.append(RawMatch(start, stop, key_end, terms, ambiguous, rule))
        return out

    def _add_reading(self, match: RawMatch, terms: tuple[int, ...], base_end: int) -> RawMatch:
        """Record a shorter form of the same entry that covers the same span (with a suffix)."""
        entries = {self.terms[i].entry for i in match.terms}
        if {self.terms[i].entry for i in terms} != entries:
            return match
        readings = match.readings or tuple((i, match.base_end) for i in match.terms)
        return replace(match, readings=readings + tuple((i, base_end) for i in terms))

    def _scan(self, text: str, folded: Folded) -> list[_Hit]:
        """Every automaton hit that passes the checks, as candidate tuples in folded offsets."""
        f = folded.text
        if not self.keys or not f:
            return []
        out: list[_Hit] = []
        specs = self._specs
        word = is_word_char
        n = len(f)
        for end, kid in self.automaton.iter(self._scan_text(f)):
            length, start_boundary, end_boundary, stem, static, rule = specs[kid]
            start = end - length + 1
            if start_boundary and start > 0 and word(f[start - 1]):
                continue
            key_end = stop = end + 1
            # _inflect only moves the end when a word character or an apostrophe follows.
            if end_boundary and key_end < n and (f[key_end] == "'" or word(f[key_end])):
                found = _inflect(f, key_end, stem, quoted=start > 0 and f[start - 1] == "'")
                if found is None:
                    continue
                stop = found
            if static is None:
                terms, ambiguous = self._check_terms(text, folded, start, key_end, stop, self.keys[kid].terms)
                if not terms:
                    continue
            else:
                terms, ambiguous = static
            out.append((start, stop, key_end, terms, ambiguous, rule))
        return out

    def _scan_text(self, f: str) -> str:
        """``f`` as the automaton reads it: non-ASCII characters that are in no key become _OTHER.

        Offsets are unchanged; the automaton then tries one transition for them instead of
        every transition of its root (pyahocorasick searches a node's transitions in order).
        """
        if f.isascii():
            return f
        if use_numpy(len(f)):
            if self._lut is None:
                self._lut = _restriction_lut(self._alphabet)
            return lut_translate(f, self._lut)
        return _other_re(self._alphabet).sub(_others, f)

    def _check_terms(
        self, text: str, folded: Folded, start: int, key_end: int, stop: int, indexes: tuple[int, ...]
    ) -> tuple[tuple[int, ...], bool]:
        """Apply case sensitivity and context rules; decide whether the match is ambiguous."""
        f = folded.text
        kept: list[int] = []
        confirmed: list[int] = []
        for i in indexes:
            term = self.terms[i]
            if term.case_sensitive:
                a, b = folded.to_original(start, key_end)
                if text[a:b] != term.form:
                    continue
            rules = self._context_keys.get(i)
            if rules is not None:
                verdict = _context_verdict(f, start, stop, rules)
                if verdict is False:
                    continue
                if verdict is True:
                    confirmed.append(i)
            kept.append(i)
        if not kept:
            return (), False
        if confirmed:
            entries = {self.terms[i].entry for i in confirmed}
            winners = tuple(i for i in kept if self.terms[i].entry in entries)
            return winners, len(entries) > 1
        entries = {self.terms[i].entry for i in kept}
        ambiguous = len(entries) > 1 or any(self.terms[i].ambiguous for i in kept)
        return tuple(kept), ambiguous


_KeySpec = tuple[int, bool, bool, bool, "tuple[tuple[int, ...], bool] | None", str]
# A match from the C core: start, end, base_end, terms, ambiguous, key, quoted, opens, readings
NativeMatch = tuple[int, int, int, tuple[int, ...], bool, int, bool, bool, "tuple[tuple[tuple[int, ...], int], ...] | None"]
_Hit = tuple[int, int, int, tuple[int, ...], bool, str]  # the fields of a Candidate

# The automaton's root tries its transitions in the order they were added, for every character
# of the text that does not continue a match. So keys are added in order of how often their
# characters occur in folded text (_OTHER, space, English letters by frequency, the rest of
# ASCII, then everything else), and a frequent character that starts no key gets a dummy key
# of its own, which can never match (it ends in _NEVER).
_OTHER = "\x00"  # stands for every character of a non-ASCII text that is in no key
_NEVER = "\uffff"  # in no folded text: _scan_text turns it into _OTHER
_RANK = {c: i for i, c in enumerate(_OTHER + " etaoinsrhldcumfpgwybvk'.,\"xjqz0123456789():;/?!&%$#*+=@[]_<>|~^`{}\\")}


class _RankOrder(dict[int, str]):
    """A str.translate table under which keys sort in _RANK order (unranked characters after, by code point)."""

    def __missing__(self, cp: int) -> str:
        ch = chr(cp)
        self[cp] = out = chr(_RANK[ch]) if ch in _RANK else chr(min(cp + 128, 0x10FFFF))
        return out


_RANK_ORDER = _RankOrder()


def _automaton(keys: list[str]) -> Any:
    """The pyahocorasick automaton over ``keys`` (value: the key's index), frequent characters first.

    >>> a = _automaton(["uyghur", "han"])
    >>> sorted(a.iter("han uyghur"))
    [(2, 1), (9, 0)]
    """
    automaton = ahocorasick.Automaton()
    if not keys:
        return automaton
    by_first: dict[str, list[int]] = {}
    for kid in sorted(range(len(keys)), key=lambda k: keys[k].translate(_RANK_ORDER)):
        by_first.setdefault(keys[kid][0], []).append(kid)
    for ch in _RANK:
        if ch not in by_first:
            automaton.add_word(ch + _NEVER, -1)
        for kid in by_first.pop(ch, ()):
            automaton.add_word(keys[kid], kid)
    for kids in by_first.values():
        for kid in kids:
            automaton.add_word(keys[kid], kid)
    automaton.make_automaton()
    return automaton


def _restriction_lut(alphabet: str) -> Any:
    """The numpy table of _scan_text: ASCII and ``alphabet`` kept, every other code unit _OTHER."""
    import numpy as np

    lut = np.zeros(0x110000, dtype=np.uint32)
    lut[:128] = np.arange(128, dtype=np.uint32)
    for c in alphabet:
        lut[ord(c)] = ord(c)
    return lut


@lru_cache(maxsize=8)
def _other_re(alphabet: str) -> re.Pattern[str]:
    return re.compile("[^\x00-\x7f" + "".join(re.escape(c) for c in alphabet) + "]+")


def _others(m: re.Match[str]) -> str:
    return _OTHER * len(m.group())


def select(candidates: Iterable[Candidate]) -> list[Candidate]:
    """Leftmost-longest, non-overlapping choice among candidates.

    >>> c = lambda a, b: Candidate(a, b, b, (0,), False, "form")
    >>> [(x.start, x.stop) for x in select([c(0, 3), c(0, 8), c(5, 9), c(9, 12)])]
    [(0, 8), (9, 12)]
    """
    chosen: list[Candidate] = []
    last = -1
    # Same span: the longer form wins over a shorter form plus a suffix (ئۇيغۇرىستان is not ئۇيغۇر+ىستان).
    for cand in sorted(candidates, key=lambda c: (c.start, -c.stop, c.start - c.key_end)):
        if cand.start >= last:
            chosen.append(cand)
            last = cand.stop
    return chosen


def _inflect(f: str, end: int, stem: bool, *, quoted: bool = False) -> int | None:
    """Where a word-script match really ends: after an inflection, at a word boundary.

    ``quoted``: the match opens with a single quotation mark, so a trailing ``'`` closes the
    quotation (‘forge lies’) rather than marking a plural possessive (the Uyghurs’ homes).
    """
    n = len(f)
    if stem:
        # An English inflection first: a key that is a stem in one language (Uyghur Latin
        # "Uyghur" + lar) and a word in another (English "Uyghur" + s') keeps both readings.
        english = _inflect(f, end, False, quoted=quoted)
        if english is not None and not (english == end < n - 1 and f[end] == "'" and is_word_char(f[end + 1])):
            return english
        while end < n and (is_word_char(f[end]) or (f[end] == "'" and end + 1 < n and is_word_char(f[end + 1]))):
            end += 1
        return end
    if end >= n or (not is_word_char(f[end]) and f[end] != "'"):
        return end
    for suffix in _EN_SUFFIXES:
        if quoted and suffix == "s'":
            continue
        if f.startswith(suffix, end):
            after = end + len(suffix)
            if after >= n or not is_word_char(f[after]):
                return after
    if f[end] == "'" and f[end - 1] == "s" and not quoted:
        return end + 1 if end + 1 >= n or not is_word_char(f[end + 1]) else None
    if f[end] == "'":
        return end
    return None


# Spaces and quotation marks between a match and its context words are skipped: in
# “orchestrated” by the West, the word after "orchestrated" is "by".
_CONTEXT_SKIP = SPACE + "'\"()[]"

_FoldedContext = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]


def _fold_context(ctx: Context | None, table: Mapping[int, str]) -> _FoldedContext:
    assert ctx is not None

    def keys(values: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(k for v in values if (k := fold_key(v, table)))

    return keys(ctx.not_followed_by), keys(ctx.not_preceded_by), keys(ctx.followed_by), keys(ctx.preceded_by)


def _starts_with_word(s: str, word: str) -> bool:
    if not s.startswith(word):
        return False
    if is_han(word[-1]) or not is_word_char(word[-1]):
        return True
    return len(s) == len(word) or not is_word_char(s[len(word)])


def _ends_with_word(s: str, word: str) -> bool:
    if not s.endswith(word):
        return False
    if is_han(word[0]) or not is_word_char(word[0]):
        return True
    return len(s) == len(word) or not is_word_char(s[-len(word) - 1])


def _context_verdict(f: str, start: int, stop: int, rules: _FoldedContext) -> bool | None:
    """False: a negative rule fires (drop); True: a positive rule confirms; None: no verdict."""
    not_next, not_prev, next_ok, prev_ok = rules
    after = f[stop : stop + 80].lstrip(_CONTEXT_SKIP)
    before = f[max(0, start - 80) : start].rstrip(_CONTEXT_SKIP)
    if any(_starts_with_word(after, w) for w in not_next) or any(_ends_with_word(before, w) for w in not_prev):
        return False
    if any(_starts_with_word(after, w) for w in next_ok) or any(_ends_with_word(before, w) for w in prev_ok):
        return True
    return None


def _no_check(*args: Any) -> Any:
    """The callback of a core that never calls back (no key's checks are left to Python)."""
    raise AssertionError("the core called back for a key it checks itself")

"""One compiled multi-pattern matcher over every form of the glossary.

The forms are folded (see :mod:`termnorm.fold`) into keys and put in one Aho-Corasick automaton
(pyahocorasick, in C). A text is folded the same way, scanned once, and every hit is checked in
the folded text: word boundaries for spaced scripts, English inflections and Uyghur suffixes,
case-sensitive forms and context rules. The survivors are chosen leftmost-longest and
non-overlapping, and mapped back to exact spans of the original text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import ahocorasick

from .derive import english_variants, plural_variants
from .fold import SEPARATOR, SPACE, Folded, fold, fold_key, is_han, is_word_char
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
        self.automaton = ahocorasick.Automaton()
        for key, indexes in by_key.items():
            first, last = key[0], key[-1]
            info = KeyInfo(
                key=key,
                start_boundary=is_word_char(first),
                end_boundary=is_word_char(last),
                stem=any(terms[i].stem for i in indexes),
                terms=tuple(indexes),
            )
            self.automaton.add_word(key, len(self.keys))
            self.keys.append(info)
            self.rules.append(rules[key])
        if self.keys:
            self.automaton.make_automaton()
        self.key_index = {info.key: i for i, info in enumerate(self.keys)}
        self._context_keys = {
            i: _fold_context(terms[i].context, self.table) for i, t in enumerate(terms) if t.context is not None
        }

    def fold(self, text: str) -> Folded:
        """Fold ``text`` with this glossary's tables."""
        return fold(text, self.table)

    def candidates(self, text: str, folded: Folded | None = None) -> list[Candidate]:
        """Every hit that passes boundary, case and context checks (overlapping)."""
        folded = folded or self.fold(text)
        f = folded.text
        if not self.keys or not f:
            return []
        out: list[Candidate] = []
        keys = self.keys
        for end, kid in self.automaton.iter(f):
            info = keys[kid]
            start = end - len(info.key) + 1
            if info.start_boundary and start > 0 and is_word_char(f[start - 1]):
                continue
            key_end = end + 1
            stop = key_end
            if info.end_boundary:
                found = _inflect(f, key_end, info.stem, quoted=start > 0 and f[start - 1] == "'")
                if found is None:
                    continue
                stop = found
            terms, ambiguous = self._check_terms(text, folded, start, key_end, stop, info.terms)
            if terms:
                out.append(Candidate(start, stop, key_end, terms, ambiguous, self.rules[kid]))
        return out

    def find(self, text: str, folded: Folded | None = None) -> list[RawMatch]:
        """The leftmost-longest, non-overlapping matches in ``text``, in original offsets."""
        folded = folded or self.fold(text)
        chosen = select(self.candidates(text, folded))
        out = []
        for c in chosen:
            start, end = folded.to_original(c.start, c.stop)
            base_end = folded.to_original(c.start, c.key_end)[1]
            out.append(RawMatch(start, end, base_end, c.terms, c.ambiguous, c.rule))
        return out

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

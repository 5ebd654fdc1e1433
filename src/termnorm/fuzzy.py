"""Typo-tolerant matching: misspelled glossary forms in Latin and Cyrillic script.

News text misspells the vocabulary it is about ("Uighyur", "Xianjing", "Ilham Tohtti"). A token
of the text that is not a known word is compared with the *distinctive* tokens of the glossary's
forms; when it is within a few edits of one, and the rest of the form stands next to it exactly,
the form is reported as a ``fuzzy`` match with its score and the text as it was meant.

Precision comes first, because a false alarm costs an editor more than a missed typo:

* **short forms are never fuzzy**: a glossary token needs five letters (six in Cyrillic);
* **edit limits grow with length**: one edit up to 7 letters, two up to 12, three beyond
  (Cyrillic, which has no word list here: one up to 9 letters, then two);
* **real words are never "corrected"**: a text token that is an English dictionary word
  (SCOWL size 70, 132,000 words shipped in ``data/english-words.txt.gz``), a form of the glossary, or in
  :data:`STOP_TOKENS` stays as it is ("carders" is a word; the glossary lists it as an explicit
  misspelling of *cadres*, with context, where that reading is meant);
* **a glossary form that is itself a common word** ("camps", "trainees") is a fuzzy target only
  inside a longer form whose other tokens stand there exactly ("detentoin camps");
* a form of two or more tokens needs at least one of them exactly; case-sensitive forms and
  forms with ``fuzzy: false`` are never fuzzy; Han and Arabic script are matched exactly only
  (their noise is folded, see :mod:`termnorm.fold`).

Cost grows with the vocabulary, not the corpus: each distinct token of the text is compared
once per glossary (the answer is cached), so a corpus that repeats its words costs little more
than its exact matching.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rapidfuzz import fuzz

from .fold import Folded, fold_key, is_word_char
from .matcher import RawMatch, _inflect
from .model import Entry, Style, Term
from .rewrite import RewriteOptions, replacement

if TYPE_CHECKING:
    from .compiled import Glossary

from .typo_index import (
    _CANDIDATE_RE,
    _LETTER,
    _TOKEN_END_RE,
    _TOKEN_RE,
    Correction,
    FuzzyIndex,
    FuzzyMatch,
    _bases,
    _KeyShape,
    _Slot,
    fuzzy_index,
)


@dataclass(frozen=True, slots=True)
class FuzzyCandidate:
    """A misspelled form found in folded text, before overlaps with other matches are settled."""

    start: int
    key_end: int
    stop: int
    key_id: int
    terms: tuple[int, ...]
    ambiguous: bool
    score: float
    fixes: tuple[tuple[int, int, str, int], ...]  # folded span of a misspelled token, target, edits


def fuzzy_candidates(text: str, folded: Folded, glossary: Glossary) -> list[FuzzyCandidate]:
    """Every place where a glossary form stands with typos in it (overlapping, in folded offsets).

    >>> from termnorm import load_glossary
    >>> g = load_glossary()
    >>> text = "Uighurr families"
    >>> [(c.start, c.stop, c.fixes) for c in fuzzy_candidates(text, g.matcher.fold(text), g)]
    [(0, 7, ((0, 7, 'uighur', 1),))]
    """
    index = fuzzy_index(glossary)
    f = folded.text
    if not index.targets or not f:
        return []
    suspects = index.read_all(index.words_in(f))
    if not suspects:
        return []
    out: list[FuzzyCandidate] = []
    for token in suspects:
        for a in _occurrences(f, token):
            b = a + len(token)
            before, after = _token_ending_at(f, a - 1), _TOKEN_RE.match(f, b + 1)
            near = (before[2] if before and before[1] == a - 1 else "", after.group() if after else "")
            for reading in index.readings(token):
                for shape_id, slot in index.neighbours(reading.target, *near):
                    found = _align(text, folded, index, index.shapes[shape_id], slot, a, b, reading)
                    if found is not None:
                        out.append(found)
    return out


def _occurrences(f: str, token: str) -> Iterator[int]:
    """Where ``token`` stands in ``f`` as a whole token (``str.find`` is faster than a regex)."""
    n = len(token)
    a = f.find(token)
    while a >= 0:
        if (a == 0 or not re.match(_LETTER, f[a - 1])) and (a + n == len(f) or not re.match(_LETTER, f[a + n])):
            yield a
        a = f.find(token, a + n)


def _align(
    text: str, folded: Folded, index: FuzzyIndex, shape: _KeyShape, slot: int, a: int, b: int, reading: Correction
) -> FuzzyCandidate | None:
    """Check that the rest of the key stands around the misspelled token at ``[a, b)``."""
    f = folded.text
    n = len(shape.slots)
    if reading.length != b - a and slot != n - 1:
        return None
    fixes = [(a, b, reading.target, reading.edits)]
    start = a
    for j in range(slot - 1, -1, -1):  # tokens before, right to left
        sep = shape.separators[j]
        if f[start - len(sep) : start] != sep:
            return None
        token = _token_ending_at(f, start - len(sep))
        if token is None or not _fits(index, token[2], shape.slots[j], fixes, token[0], token[1], whole=True):
            return None
        start = token[0]
    if start > 0 and is_word_char(f[start - 1]):
        return None
    key_end = a + reading.length
    pos = b
    for j in range(slot + 1, n):  # tokens after, left to right
        sep = shape.separators[j - 1]
        if not f.startswith(sep, pos):
            return None
        m = _TOKEN_RE.match(f, pos + len(sep))
        if m is None:
            return None
        last = j == n - 1
        key_end = _fit_after(index, m.group(), shape.slots[j], fixes, m.start(), last)
        if key_end < 0:
            return None
        pos = m.end()
    if len(fixes) > max(1, n - 1):
        return None  # a form of several tokens needs one of them exactly
    stop = _inflect(f, key_end, shape.stem)
    if stop is None:
        return None
    matcher = index.matcher
    terms, ambiguous = matcher._check_terms(text, folded, start, key_end, stop, shape.terms)
    if not terms:
        return None
    key = matcher.keys[shape.key_id].key
    score = round(fuzz.ratio(f[start:key_end], key), 1)
    return FuzzyCandidate(start, key_end, stop, shape.key_id, terms, ambiguous, score, tuple(sorted(fixes)))


def _token_ending_at(f: str, end: int) -> tuple[int, int, str] | None:
    m = _TOKEN_END_RE.search(f, max(0, end - 64), end)
    return (m.start(), end, m.group()) if m is not None else None


def _fits(
    index: FuzzyIndex, token: str, slot: _Slot, fixes: list[tuple[int, int, str, int]], a: int, b: int, *, whole: bool
) -> bool:
    """Whether a text token stands for a key token: exactly, or as a tolerated typo of it."""
    if token == slot.token:
        return True
    if not slot.fuzzy:
        return False
    for r in index.readings(token):
        if r.target == slot.token and (r.length == len(token) or not whole):
            fixes.append((a, a + r.length, r.target, r.edits))
            return True
    return False


def _fit_after(index: FuzzyIndex, token: str, slot: _Slot, fixes: list[tuple[int, int, str, int]], a: int, last: bool) -> int:
    """Where the key ends if ``token`` (at ``a``) stands for ``slot``; -1 if it does not."""
    if token == slot.token:
        return a + len(token)
    if last and token.startswith(slot.token):
        return a + len(slot.token)  # an inflection follows; the caller checks it
    if not _fits(index, token, slot, fixes, a, a + len(token), whole=not last):
        return -1
    return fixes[-1][1]


def fuzzy_matches(
    text: str, folded: Folded, glossary: Glossary, exact: list[RawMatch], candidates: list[FuzzyCandidate] | None = None
) -> list[RawMatch]:
    """The exact matches plus fuzzy ones for misspelled forms, in text order.

    ``candidates``: :func:`fuzzy_candidates` of the text, when the caller has them already.

    A fuzzy match never overlaps an exact one, except that a longer misspelled form replaces
    the exact forms inside it; among overlapping fuzzy candidates the longest form wins, then
    the best score. Candidates for one span that point to several entries are
    reported as one ambiguous match.

    >>> from termnorm import load_glossary
    >>> g = load_glossary()
    >>> text = "Uighurr families in Urumqi"
    >>> [(m.start, m.end, m.corrected, m.score) for m in fuzzy_matches(text, g.matcher.fold(text), g, [])]
    [(0, 7, 'Uighur', 92.3)]
    """
    if candidates is None:
        candidates = fuzzy_candidates(text, folded, glossary)
    typos, replaced = settle_typos(text, folded, glossary, [(m.start, m.end) for m in exact], candidates)
    if not typos:
        return exact
    kept = [m for i, m in enumerate(exact) if i not in replaced] + typos
    return sorted(kept, key=lambda m: (m.start, m.end))


def settle_typos(
    text: str, folded: Folded, glossary: Glossary, exact: Sequence[tuple[int, int]], candidates: list[FuzzyCandidate]
) -> tuple[list[RawMatch], set[int]]:
    """The fuzzy matches kept among exact matches at the spans ``exact`` (in text order), and the
    indexes of the exact ones they replace.

    The rules of :func:`fuzzy_matches`, on spans: the exact matches need not be made into objects.
    """
    # In text order, never overlapping: (start, end, i), i: exact match i, or -1 - k: typos[k].
    kept = [(a, b, i) for i, (a, b) in enumerate(exact)]
    starts = [a for a, _ in exact]
    typos: list[RawMatch] = []
    for group in _choose(candidates):
        s, e = folded.to_original(group[0].start, group[0].stop)
        hi = bisect_left(starts, e)  # the matches that start before it ends ...
        lo = hi
        while lo > 0 and kept[lo - 1][1] > s:  # ... and end after it starts
            lo -= 1
        # A longer misspelled form wins over the exact forms it contains ("Xinjiang Uighyur
        # Autonomous Region" over "Xinjiang"), as leftmost-longest does for exact matches; it
        # loses to one it crosses or one as long.
        if any(k[0] < s or k[1] > e or k[1] - k[0] >= e - s for k in kept[lo:hi]):
            continue
        kept[lo:hi] = [(s, e, -1 - len(typos))]
        starts[lo:hi] = [s]
        typos.append(_to_match(text, folded, glossary, group))
    staying = {k[2] for k in kept}
    return [typos[-1 - k[2]] for k in kept if k[2] < 0], set(range(len(exact))) - staying


def _choose(candidates: list[FuzzyCandidate]) -> list[list[FuzzyCandidate]]:
    """Non-overlapping groups: longest span first, then best score; equal spans kept together."""
    ranked = sorted(candidates, key=lambda c: (-(c.stop - c.start), -c.score, c.start))
    groups: list[list[FuzzyCandidate]] = []
    for c in ranked:
        for g in groups:
            head = g[0]
            if (c.start, c.stop) == (head.start, head.stop):
                if c.score == head.score and c.key_id not in {x.key_id for x in g}:
                    g.append(c)
                break
            if c.start < head.stop and head.start < c.stop:
                break
        else:
            groups.append([c])
    return groups


def _to_match(text: str, folded: Folded, glossary: Glossary, group: list[FuzzyCandidate]) -> FuzzyMatch:
    best = group[0]
    terms = tuple(dict.fromkeys(i for c in group for i in c.terms))
    entries = {glossary.terms[i].entry for i in terms}
    ambiguous = any(c.ambiguous for c in group) or len(entries) > 1
    start, end = folded.to_original(best.start, best.stop)
    base_end = folded.to_original(best.start, best.key_end)[1]
    pieces: list[str] = []
    pos = start
    fixes = []
    for a, b, target, edits in best.fixes:
        oa, ob = folded.to_original(a, b)
        wrong = text[oa:ob]
        pieces += [text[pos:oa], _recase(_surface_token(glossary, terms, target, wrong), wrong)]
        pos = ob
        fixes.append((wrong, target, edits))
    pieces.append(text[pos:base_end])
    key = glossary.matcher.keys[best.key_id].key
    rule = "fuzzy: " + ", ".join(f"'{w}' ~ '{t}' ({e} edit{'s' if e > 1 else ''})" for w, t, e in fixes)
    return FuzzyMatch(
        start, end, base_end, terms, ambiguous, rule, score=best.score, corrected="".join(pieces), key=key, fixes=tuple(fixes)
    )


def _surface_token(glossary: Glossary, terms: tuple[int, ...], target: str, wrong: str) -> str:
    """The target token as a glossary form writes it, else folded; without diacritics when the
    misspelled token has none (the writer's keyboard had none)."""
    plain = wrong.isascii()
    surfaces = fuzzy_index(glossary).surfaces
    found = surfaces.get((terms, target, plain))
    if found is not None:
        return found
    surface = target
    for i in terms:
        for m in re.finditer(r"[^\W\d_]+", glossary.terms[i].form):
            if fold_key(m.group(), glossary.matcher.table) == target:
                surface = m.group()
                break
        else:
            continue
        break
    if plain and not surface.isascii():
        surface = "".join(c for c in unicodedata.normalize("NFD", surface) if not unicodedata.combining(c))
    surfaces[terms, target, plain] = surface
    return surface


def _recase(target: str, original: str) -> str:
    """``target`` in the letter case of the misspelled ``original``.

    >>> _recase("Uighur", "UIGHYUR"), _recase("Uighur", "uighyur"), _recase("uighur", "Uighyur")
    ('UIGHUR', 'uighur', 'Uighur')
    """
    letters = [c for c in original if c.isalpha()]
    if len(letters) >= 2 and all(c.isupper() for c in letters):
        return target.upper()
    if letters and letters[0].isupper():
        return target[:1].upper() + target[1:]
    if letters and all(c.islower() for c in letters):
        return target.lower()
    return target


def typo_replacement(match: RawMatch, entry: Entry, term: Term, suffix: str, style: Style, options: RewriteOptions) -> str | None:
    """What ``normalize`` writes over a fuzzy match: the text as meant, in the style's spelling.

    Only near-certain typos (score at or above ``options.strict_fuzzy_score``) are rewritten,
    or every one with ``fix_typos``; ambiguous ones never. Framing is kept: a misspelled loaded
    phrase is spelled right, not replaced by neutral wording, unless ``rewrite_loaded`` asks.
    """
    corrected = getattr(match, "corrected", "")
    score = match.score if match.score is not None else 0.0
    if match.ambiguous or not corrected or (score < options.strict_fuzzy_score and not options.fix_typos):
        return None
    new = replacement(entry, term, corrected, suffix, style, options)
    return new if new is not None else corrected + suffix


@dataclass(frozen=True, slots=True)
class NearMiss:
    """A token within typo distance of a glossary token that was *not* reported, and why."""

    start: int
    end: int
    text: str
    target: str
    reason: str


def near_misses(text: str, folded: Folded, glossary: Glossary) -> list[NearMiss]:
    """Tokens that look like misspelled glossary tokens but were left alone (for ``--explain``).

    >>> from termnorm import load_glossary
    >>> g = load_glossary()
    >>> [(n.text, n.reason) for n in near_misses("muslin dresses", g.matcher.fold("muslin dresses"), g)]
    [('muslin', 'an English word')]
    """
    index = fuzzy_index(glossary)
    f = folded.text
    out: list[NearMiss] = []
    seen: set[str] = set()
    found: list[FuzzyCandidate] | None = None
    for m in _CANDIDATE_RE.finditer(f):
        token = m.group()
        if token in seen or not index.targets:
            continue
        seen.add(token)
        reason = index.refusal(token)
        if reason == "a glossary form":
            continue
        if reason is None:
            if not index.readings(token):
                continue
            if found is None:
                found = fuzzy_candidates(text, folded, glossary)
            if any(c.start <= m.start() and m.end() <= c.stop for c in found):
                continue
            target = index.readings(token)[0].target
            reason = "the rest of the form is not there"
        else:
            near = [c for length, base in _bases(token) for c in index._near(base, length, index.targets)]
            if not near:
                continue
            target = near[0].target
        start, end = folded.to_original(m.start(), m.end())
        out.append(NearMiss(start, end, text[start:end], target, reason))
    return out

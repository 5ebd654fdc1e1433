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

import gzip
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from itertools import pairwise
from threading import Lock
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from .fold import Folded, fold_key, is_word_char
from .matcher import KeyInfo, Matcher, RawMatch, _inflect
from .model import Entry, Style, Term
from .rewrite import RewriteOptions, replacement

if TYPE_CHECKING:
    from .compiled import Glossary

# Letters of folded Latin and Cyrillic text (folding lower-cases and drops most diacritics).
_LETTERS = "a-z\u00df-\u00f6\u00f8-\u024f\u1e00-\u1eff\u0400-\u052f"
_TOKEN_RE = re.compile(f"[{_LETTERS}]+")
_LETTER = re.compile(f"[{_LETTERS}]")
MIN_TOKEN = 4  # shorter text tokens are never compared (the shortest target has five letters)
_CANDIDATE_RE = re.compile(f"[{_LETTERS}]{{{MIN_TOKEN},}}")
_TOKEN_END_RE = re.compile(f"[{_LETTERS}]+$")
_CYRILLIC_RE = re.compile("[\u0400-\u052f]")

# Text tokens that are never read as typos: names and dialect words missing from the word list
# that lie within a typo of a glossary token (found by benchmarks/noisy_eval.py on clean text).
STOP_TOKENS = frozenset({"duggan", "mongo", "splitlist", "splittin"})
_EN_SUFFIXES = ("es", "s")
_CACHE_LIMIT = 500_000
_MIN_SINGLE = 6  # a form of one shorter token is matched exactly only
_MIN_STEM = 6  # a shorter stem is matched with typos only as a whole word
_MAX_ENDING = 6  # letters after a misspelled stem


def max_edits(length: int, *, cyrillic: bool = False) -> int:
    """How many typos (insertion, deletion, substitution, transposition) a glossary token of
    ``length`` letters tolerates; 0 means it is only matched exactly.

    >>> [max_edits(n) for n in (4, 5, 7, 8, 12, 13)]
    [0, 1, 1, 2, 2, 3]
    >>> [max_edits(n, cyrillic=True) for n in (5, 6, 9, 10)]
    [0, 1, 1, 2]
    """
    if cyrillic:
        return 0 if length < 6 else 1 if length <= 9 else 2
    return 0 if length < 5 else 1 if length <= 7 else 2 if length <= 12 else 3


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """The folded English words (four letters or more) that are never read as typos.

    >>> {"carders", "broadening", "muslim"} <= english_words(), "brodening" in english_words()
    (True, False)
    """
    data = files("termnorm").joinpath("data", "english-words.txt.gz").read_bytes()
    return frozenset(gzip.decompress(data).decode("utf-8").split())


@dataclass(frozen=True, slots=True)
class Correction:
    """A text token read as a glossary token: ``length`` letters of it stand for ``target``."""

    target: str
    length: int  # how much of the text token the target covers (the rest is an inflection)
    edits: int


@dataclass(frozen=True, slots=True)
class FuzzyMatch(RawMatch):
    """A misspelled form: ``corrected`` is the matched text as it was meant (original case)."""

    corrected: str = ""
    key: str = ""  # the glossary key the text was matched to
    fixes: tuple[tuple[str, str, int], ...] = ()  # (text token, glossary token, edits)


@dataclass(frozen=True, slots=True)
class _Slot:
    """One token of a glossary key: where it sits and whether typos in it are tolerated."""

    token: str
    fuzzy: bool


@dataclass(frozen=True, slots=True)
class _KeyShape:
    """A glossary key split into tokens and the separators between them."""

    key_id: int  # index of the key in the matcher
    slots: tuple[_Slot, ...]
    separators: tuple[str, ...]
    terms: tuple[int, ...]
    stem: bool


class FuzzyIndex:
    """The glossary's fuzzy targets and the cached reading of every text token seen so far."""

    def __init__(self, matcher: Matcher, words: frozenset[str] | None = None) -> None:
        self.matcher = matcher
        self.words = english_words() if words is None else words
        self.glossary_tokens: set[str] = set()
        self.shapes: list[_KeyShape] = []
        self.occurrences: dict[str, list[tuple[int, int]]] = {}  # target -> (shape, slot)
        for info in matcher.keys:
            for token in _TOKEN_RE.findall(info.key):
                self.glossary_tokens.add(token)
        for key_id, info in enumerate(matcher.keys):
            shape = self._shape(key_id, info)
            if shape is None:
                continue
            for j, slot in enumerate(shape.slots):
                if slot.fuzzy:
                    self.occurrences.setdefault(slot.token, []).append((len(self.shapes), j))
            self.shapes.append(shape)
        self.targets = sorted(self.occurrences)
        self._by_neighbour = self._neighbour_index()
        self.stem_targets = sorted(
            {s.slots[-1].token for s in self.shapes if s.stem and s.slots[-1].fuzzy and len(s.slots[-1].token) >= _MIN_STEM}
        )
        self._cache: dict[str, tuple[Correction, ...]] = {}
        self._plain: set[str] = set()  # tokens of the cache without a reading
        self.surfaces: dict[tuple[tuple[int, ...], str, bool], str] = {}  # see _surface_token
        self._lock = Lock()

    def _neighbour_index(self) -> dict[tuple[str, str, str], list[tuple[int, int]]]:
        """(target, side, neighbour token) -> the (shape, slot) places of the target.

        A misspelled token is aligned only with the forms whose neighbouring token stands next
        to it in the text (or may be misspelled there): a common token such as "uyghur" opens
        hundreds of forms, and trying each would cost more than the rest of the layer.
        """
        out: dict[tuple[str, str, str], list[tuple[int, int]]] = {}
        for target, places in self.occurrences.items():
            for shape_id, j in places:
                shape = self.shapes[shape_id]
                if j > 0 and len(shape.separators[j - 1]) == 1:
                    key = (target, "before", shape.slots[j - 1].token)
                elif j + 1 < len(shape.slots) and len(shape.separators[j]) == 1:
                    key = (target, "after", shape.slots[j + 1].token)
                else:
                    key = (target, "", "")  # a form of one token, or an unusual separator
                out.setdefault(key, []).append((shape_id, j))
        return out

    def neighbours(self, target: str, before: str, after: str) -> list[tuple[int, int]]:
        """The (shape, slot) places of ``target`` that the tokens around it may fit."""
        out = list(self._by_neighbour.get((target, "", ""), ()))
        index = self._by_neighbour
        for side, token in (("before", before), ("after", after)):
            if not token:
                continue
            # The token after may end the form with an inflection ("detentoin camps").
            shorter = range(max(1, len(token) - _MAX_ENDING), len(token)) if side == "after" else ()
            for near in [token, *(token[:k] for k in shorter), *(r.target for r in self.readings(token))]:
                out += index.get((target, side, near), ())
        return list(dict.fromkeys(out))

    def _shape(self, key_id: int, info: KeyInfo) -> _KeyShape | None:
        terms = tuple(i for i in info.terms if _fuzzy_term(self.matcher.terms[i]))
        tokens = list(_TOKEN_RE.finditer(info.key))
        if not terms or not tokens or tokens[0].start() != 0 or tokens[-1].end() != len(info.key):
            return None
        separators = tuple(info.key[a.end() : b.start()] for a, b in pairwise(tokens))
        if any(not sep or any(is_word_char(c) for c in sep) for sep in separators):
            return None
        single = len(tokens) == 1
        forms = [self.matcher.terms[i] for i in terms]
        # A lowercase one-word form is a common word: of English (then the word list knows it)
        # or of a language whose words this module cannot tell from typos ("prétendu").
        common = single and not any(t.form[:1].isupper() for t in forms)
        foreign = not any(t.lang == "en" for t in forms) and tokens[0].group().isascii()
        slots = tuple(_Slot(t.group(), self._target(t.group(), single=single, common=common, foreign=foreign)) for t in tokens)
        if not any(s.fuzzy for s in slots):
            return None
        return _KeyShape(key_id, slots, separators, terms, info.stem)

    def _target(self, token: str, *, single: bool, common: bool, foreign: bool) -> bool:
        """Whether typos in this glossary token are tolerated."""
        if max_edits(len(token), cyrillic=bool(_CYRILLIC_RE.search(token))) == 0:
            return False
        if single and len(token) < _MIN_SINGLE:
            return False  # "Kashin" is not "Kashi": five-letter names need a neighbour to anchor them
        # "Muslim" and "Turk" are words and names: their misspellings are the domain's typos.
        return not (common and (foreign or token in self.words))

    def readings(self, token: str) -> tuple[Correction, ...]:
        """The glossary tokens a text token may be a misspelling of, best first (cached).

        Words, glossary tokens and stop tokens have none.
        """
        found = self._cache.get(token)
        if found is None:
            found = self._read(token)
            with self._lock:
                if len(self._cache) >= _CACHE_LIMIT:  # a bound on memory for endless streams
                    self._cache.clear()
                    self._plain.clear()
                self._cache[token] = found
                if not found:
                    self._plain.add(token)
        return found

    def clear(self) -> None:
        """Forget every token read so far (the next texts pay for their first reading again)."""
        with self._lock:
            self._cache.clear()
            self._plain.clear()

    def read_all(self, tokens: set[str]) -> set[str]:
        """The tokens among ``tokens`` that have a reading (filling the cache).

        Set operations in C skip every token seen before: a corpus pays once per distinct token.
        """
        for token in tokens - self._plain - self._cache.keys():
            self.readings(token)
        return {t for t in tokens - self._plain if self._cache.get(t)}

    def refusal(self, token: str) -> str | None:
        """Why a text token is never read as a typo, or None when it may be."""
        if token in self.glossary_tokens:
            return "a glossary form"
        if token in STOP_TOKENS:
            return "on the stop list"
        if token in self.words or any(token.endswith(s) and token[: -len(s)] in self.words for s in _EN_SUFFIXES):
            return "an English word"
        if len(token) < MIN_TOKEN:
            return "too short"
        return None

    def _read(self, token: str) -> tuple[Correction, ...]:
        if not self.targets or self.refusal(token) is not None:
            return ()
        found: dict[tuple[str, int], Correction] = {}
        for length, base in _bases(token):
            for c in self._near(base, length, self.targets):
                found.setdefault((c.target, c.length), c)
        for target in self.stem_targets:
            # A stem takes endings (уйгур-ов, Uygur-lar): its first letters are compared, and
            # only a long stem, with an ending of a few letters, so that long words of another
            # language do not pass for one.
            for k in range(len(target) - 1, min(len(token), len(target) + 1) + 1):
                if len(token) - k > _MAX_ENDING or (k, target) == (len(token), token):
                    continue
                edits = OSA.distance(token[:k], target)
                if edits == 1:
                    found.setdefault((target, k), Correction(target, k, edits))
        return tuple(sorted(found.values(), key=lambda c: (c.edits, -c.length, c.target)))

    def _near(self, base: str, length: int, targets: list[str]) -> Iterator[Correction]:
        for target, edits, _ in process.extract(base, targets, scorer=OSA.distance, score_cutoff=3, limit=None):
            # Typos seldom hit the first letter: "Michelet" is not two typos from "Bachelet".
            if 0 < edits <= _limit(target) and (edits == 1 or base[0] == target[0]):
                yield Correction(target, length, int(edits))


def _limit(target: str) -> int:
    return max_edits(len(target), cyrillic=bool(_CYRILLIC_RE.search(target)))


def _bases(token: str) -> list[tuple[int, str]]:
    """The token and the token without an English plural ending: what may stand for a target."""
    out = [(len(token), token)]
    for suffix in _EN_SUFFIXES:
        if token.endswith(suffix) and len(token) - len(suffix) >= MIN_TOKEN:
            out.append((len(token) - len(suffix), token[: -len(suffix)]))
    return out


def _fuzzy_term(term: Term) -> bool:
    return term.fuzzy and not term.case_sensitive and term.script in ("latin", "cyrillic")


_INDEXES: WeakKeyDictionary[Glossary, FuzzyIndex] = WeakKeyDictionary()
_INDEX_LOCK = Lock()


def fuzzy_index(glossary: Glossary) -> FuzzyIndex:
    """The glossary's fuzzy index, built once per glossary object and kept while it lives."""
    with _INDEX_LOCK:
        index = _INDEXES.get(glossary)
        if index is None:
            index = _INDEXES[glossary] = FuzzyIndex(glossary.matcher)
        return index


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
    suspects = index.read_all(set(_CANDIDATE_RE.findall(f)))
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


def fuzzy_matches(text: str, folded: Folded, glossary: Glossary, exact: list[RawMatch]) -> list[RawMatch]:
    """The exact matches plus fuzzy ones for misspelled forms, in text order.

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
    candidates = fuzzy_candidates(text, folded, glossary)
    if not candidates:
        return exact
    kept = list(exact)
    added = False
    for group in _choose(candidates):
        match = _to_match(text, folded, glossary, group)
        inside = [m for m in kept if match.start <= m.start and m.end <= match.end]
        crossing = [m for m in kept if m.start < match.end and match.start < m.end and m not in inside]
        # A longer misspelled form wins over the exact forms it contains ("Xinjiang Uighyur
        # Autonomous Region" over "Xinjiang"), as leftmost-longest does for exact matches.
        if crossing or any(m.end - m.start >= match.end - match.start for m in inside):
            continue
        kept = [m for m in kept if m not in inside] + [match]
        added = True
    return sorted(kept, key=lambda m: (m.start, m.end)) if added else exact


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

"""The typo index: which glossary tokens may be misspelled, and the cached comparisons.

The rules it encodes (edit limits by length, no "correction" of real words, short forms matched
exactly) are described in :mod:`termnorm.fuzzy`, which uses it.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from itertools import pairwise
from threading import Lock
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from . import native
from .fold import is_word_char
from .matcher import KeyInfo, Matcher, RawMatch
from .model import Term

if TYPE_CHECKING:
    from .compiled import Glossary

# Letters of folded Latin and Cyrillic text (folding lower-cases and drops most diacritics).
_LETTER_RANGES = ((0x61, 0x7A), (0xDF, 0xF6), (0xF8, 0x24F), (0x1E00, 0x1EFF), (0x400, 0x52F))
_LETTERS = "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in _LETTER_RANGES)
_TOKEN_RE = re.compile(f"[{_LETTERS}]+")
_LETTER = re.compile(f"[{_LETTERS}]")
MIN_TOKEN = 4  # shorter text tokens are never compared (the shortest target has five letters)
_CANDIDATE_RE = re.compile(f"[{_LETTERS}]{{{MIN_TOKEN},}}")
_TOKEN_END_RE = re.compile(f"[{_LETTERS}]+$")
_CYRILLIC_RE = re.compile("[\u0400-\u052f]")


def _letter_bits() -> bytes:
    """The letters as a bitmap of the Basic Multilingual Plane (for the C core's word finder)."""
    bits = bytearray(0x10000 // 8)
    for lo, hi in _LETTER_RANGES:
        for c in range(lo, hi + 1):
            bits[c >> 3] |= 1 << (c & 7)
    return bytes(bits)


LETTER_BITS = _letter_bits()


def candidate_tokens(folded: str, known: Any = None) -> set[str]:
    """The distinct words of folded text long enough to be read as typos (``MIN_TOKEN`` letters).

    ``known``: a :class:`termnorm._core.TokenSet` of words to leave out (the core finds them
    without making a str of each).
    """
    if native.ENABLED:
        return native.letter_runs(folded, LETTER_BITS, MIN_TOKEN, known)
    return set(_CANDIDATE_RE.findall(folded))


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


def _neighbour_index(
    shapes: Sequence[_KeyShape], occurrences: dict[str, list[tuple[int, int]]]
) -> dict[tuple[str, str, str], list[tuple[int, int]]]:
    """(target, side, neighbour token) -> the (shape, slot) places of the target.

    A misspelled token is aligned only with the forms whose neighbouring token stands next
    to it in the text (or may be misspelled there): a common token such as "uyghur" opens
    hundreds of forms, and trying each would cost more than the rest of the layer.
    """
    out: dict[tuple[str, str, str], list[tuple[int, int]]] = {}
    for target, places in occurrences.items():
        for shape_id, j in places:
            shape = shapes[shape_id]
            if j > 0 and len(shape.separators[j - 1]) == 1:
                key = (target, "before", shape.slots[j - 1].token)
            elif j + 1 < len(shape.slots) and len(shape.separators[j]) == 1:
                key = (target, "after", shape.slots[j + 1].token)
            else:
                key = (target, "", "")  # a form of one token, or an unusual separator
            out.setdefault(key, []).append((shape_id, j))
    return out


@dataclass(frozen=True)
class TypoTargets:
    """What the typo layer reads a glossary as: which tokens may be misspelled, in which forms.

    Built on the typo layer's first use and cached on disk (see ``Glossary.typo_targets``), so
    a command starts without reading the English word list or walking every key.
    """

    glossary_tokens: frozenset[str]
    shapes: tuple[_KeyShape, ...]
    occurrences: dict[str, list[tuple[int, int]]]  # target -> (shape, slot)
    by_neighbour: dict[tuple[str, str, str], list[tuple[int, int]]]
    stem_targets: list[str]


def typo_targets(matcher: Matcher) -> TypoTargets:
    """The typo targets of a compiled matcher (what ``Glossary.typo_targets`` caches)."""
    return FuzzyIndex(matcher).static


class FuzzyIndex:
    """The glossary's fuzzy targets and the cached reading of every text token seen so far."""

    def __init__(self, matcher: Matcher, words: frozenset[str] | None = None, static: TypoTargets | None = None) -> None:
        self.matcher = matcher
        self._words = words
        if static is None:
            static = self._build()
        self.static = static
        self.glossary_tokens = static.glossary_tokens
        self.shapes = static.shapes
        self.occurrences = static.occurrences
        self.targets = sorted(static.occurrences)
        self._by_neighbour = static.by_neighbour
        self.stem_targets = static.stem_targets
        self._cache: dict[str, tuple[Correction, ...]] = {}
        self._plain: set[str] = set()  # tokens of the cache without a reading
        self._known_plain = native.token_set()  # the same, for the core's word finder (or None)
        self.surfaces: dict[tuple[tuple[int, ...], str, bool], str] = {}  # see _surface_token
        self._lock = Lock()

    @property
    def words(self) -> frozenset[str]:
        """The English word list, read when a token first needs it."""
        if self._words is None:
            self._words = english_words()
        return self._words

    def _build(self) -> TypoTargets:
        tokens: set[str] = set()
        for info in self.matcher.keys:
            tokens.update(_TOKEN_RE.findall(info.key))
        shapes: list[_KeyShape] = []
        occurrences: dict[str, list[tuple[int, int]]] = {}
        for key_id, info in enumerate(self.matcher.keys):
            shape = self._shape(key_id, info)
            if shape is None:
                continue
            for j, slot in enumerate(shape.slots):
                if slot.fuzzy:
                    occurrences.setdefault(slot.token, []).append((len(shapes), j))
            shapes.append(shape)
        stems = sorted(
            {s.slots[-1].token for s in shapes if s.stem and s.slots[-1].fuzzy and len(s.slots[-1].token) >= _MIN_STEM}
        )
        return TypoTargets(frozenset(tokens), tuple(shapes), occurrences, _neighbour_index(shapes, occurrences), stems)

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
                    self._forget()
                self._cache[token] = found
                if not found:
                    self._plain.add(token)
                    if self._known_plain is not None:
                        self._known_plain.add(token)
        return found

    def _forget(self) -> None:
        self._cache.clear()
        self._plain.clear()
        if self._known_plain is not None:
            self._known_plain.clear()

    def clear(self) -> None:
        """Forget every token read so far (the next texts pay for their first reading again)."""
        with self._lock:
            self._forget()

    def words_in(self, folded: str) -> set[str]:
        """The words of a folded text that may be typos: long enough, and not known to have no reading."""
        return candidate_tokens(folded, self._known_plain)

    def read_all(self, tokens: set[str]) -> set[str]:
        """The tokens among ``tokens`` that have a reading (filling the cache).

        Set operations in C skip every token seen before: a corpus pays once per distinct token.
        (``set.difference(dict)`` walks the text's tokens; ``set - dict.keys()`` would walk the
        whole cache, for every text.)
        """
        for token in (tokens - self._plain).difference(self._cache):
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
        from rapidfuzz.distance import OSA  # here: loading a compiled glossary must not import it

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
        from rapidfuzz import process
        from rapidfuzz.distance import OSA

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
            index = _INDEXES[glossary] = FuzzyIndex(glossary.matcher, static=glossary.typo_targets())
        return index

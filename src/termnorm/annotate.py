"""Annotating a text: every glossary term in it, with who uses it and what normalize would write."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple
from weakref import WeakKeyDictionary, ref

from . import native
from .compiled import Glossary, collector_paused
from .matcher import RawMatch
from .model import Entry, Term
from .quotes import distanced, in_regions, quote_regions
from .rewrite import RewriteOptions, replacement
from .script import detect_language, detect_language_native

ANNOTATION_FIELDS = (
    "start", "end", "text", "entry", "label", "term", "type", "lang", "preferred",
    "loaded", "used_by", "note", "match", "score", "quoted",
)  # fmt: skip


class Annotation(NamedTuple):
    """One term found in a text. ``text == source_text[start:end]`` always holds.

    The first fifteen fields are the output contract (PRODUCT.md); the rest are additions.
    Immutable (a named tuple, which a corpus of millions of terms builds fastest); use
    ``_replace`` for a changed copy.
    """

    start: int
    end: int
    text: str
    entry: str
    label: str
    term: str
    type: str
    lang: str
    preferred: str
    loaded: bool
    used_by: tuple[str, ...]
    note: str | None
    match: str  # exact | folded | fuzzy
    score: float
    quoted: bool
    category: str = ""
    status: str = ""
    neutral: str | None = None
    ambiguous: bool = False
    candidates: tuple[str, ...] = ()  # entry ids when ambiguous
    quote_reason: str | None = None  # "quotation marks" or the distancing word
    rule: str = "form"  # which form, fold or fuzzy rule fired
    derived: bool = False

    def to_dict(self) -> dict[str, Any]:
        """The annotation as a JSON-ready dict, contract fields first."""
        d: dict[str, Any] = dict(zip(_FIELD_NAMES, self, strict=True))
        d["used_by"] = list(self.used_by)
        d["candidates"] = list(self.candidates)
        return d


_FIELD_NAMES = Annotation._fields
_new_tuple = tuple.__new__


@dataclass(frozen=True)
class DocumentResult:
    """The annotations of one document and their summary."""

    source: str
    lang: str
    annotations: tuple[Annotation, ...]
    summary: dict[str, Any] = field(default_factory=dict)
    id: str | None = None
    languages: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of the output contract (one per document in ``jsonl``)."""
        out: dict[str, Any] = {"source": self.source}
        if self.id is not None:
            out["id"] = self.id
        out["lang"] = self.lang
        out["languages"] = self.languages
        out["annotations"] = [a.to_dict() for a in self.annotations]
        out["summary"] = self.summary
        return out


def annotate_text(
    text: str,
    glossary: Glossary,
    *,
    style: str = "default",
    options: RewriteOptions | None = None,
    fuzzy: bool = True,
    lang: str | None = None,
) -> list[Annotation]:
    """Every glossary term in ``text``, in order, as annotations.

    ``lang`` is the document's language (detected from its script when not given); it decides
    between forms that several languages share ("Xinjiang" in English and German) and keeps
    English house spellings out of text in other languages.

    >>> from termnorm import load_glossary
    >>> [(a.text, a.entry, a.preferred) for a in annotate_text("Uighurs in Xinjiang", load_glossary())][:1]
    [('Uighurs', 'uyghur', 'Uyghurs')]
    """
    options = options or _DEFAULT_OPTIONS
    house = glossary.style(style)
    if len(text) < _LONG_TEXT:
        return _annotate(text, glossary, house, options, fuzzy, lang)
    # Matches, then annotations, by the hundred thousand, and no cycle among them: the cyclic
    # garbage collector would walk them again and again (about a quarter of the time at 100 MB).
    with collector_paused():
        return _annotate(text, glossary, house, options, fuzzy, lang)


_LONG_TEXT = 200_000  # characters: the collector is paused while such a text is annotated


def _annotate(
    text: str, glossary: Glossary, house: Any, options: RewriteOptions, fuzzy: bool, lang: str | None
) -> list[Annotation]:
    matcher = glossary.matcher
    found = matcher.scan_native(text, keep=fuzzy)
    if found is not None and not fuzzy:
        return _annotate_native(text, glossary, house, options, lang, found)
    # Here found is None (the Python path) or the core's matches with the fold (the typo layer).
    if found is None or found[2] is None:
        folded = matcher.fold(text)
        matches = matcher.find(text, folded)
        if fuzzy:
            from .fuzzy import fuzzy_matches

            matches = fuzzy_matches(text, folded, glossary, matches)
        exact_kept: list[Any] = []
    else:
        from .fuzzy import fuzzy_candidates, settle_typos

        folded = found[2]
        candidates = fuzzy_candidates(text, folded, glossary)
        spans = [(m[0], m[1]) for m in found[0]] if candidates else []
        matches, replaced = settle_typos(text, folded, glossary, spans, candidates)
        if not matches:  # no typo kept: the exact matches, annotated as without the typo layer
            return _annotate_native(text, glossary, house, options, lang, found)
        # Typos kept: they are annotated in Python, the exact matches that stay by the core's copies.
        exact_kept = [m for i, m in enumerate(found[0]) if i not in replaced]
    if not matches and not exact_kept:
        return []
    if lang is None:
        # Judged from the text around the matches, so that rewriting them cannot change the
        # verdict: normalizing the result again must change nothing more.
        # Neutral wordings that --rewrite loaded writes are left out for the same reason.
        spans = sorted([(m.start, m.end) for m in matches] + [(t[0], t[1]) for t in exact_kept])
        if options.rewrite_loaded:
            spans = sorted(spans + neutral_spans(text, glossary))
        lang = _detect(text, spans, glossary)
    regions = quote_regions(text) if found is None else found[1]
    memo = _memo(glossary, house, options, lang)[0]
    out = [_annotation(text, m, glossary, house, options, regions, lang, memo) for m in matches]
    if exact_kept:
        out = sorted(out + _assemble_native(text, glossary, house, options, lang, exact_kept, regions), key=_position)
    return distanced(text, out, glossary)


def _position(a: Annotation) -> tuple[int, int]:
    return a.start, a.end


_DEFAULT_OPTIONS = RewriteOptions()


def _detect(text: str, spans: Any, glossary: Glossary) -> str:
    """The language of ``text`` outside ``spans`` (sorted tuples that start with start, end)."""
    core = glossary.matcher.core if native.ENABLED else None
    if core is not None:
        return detect_language_native(core, text, spans)[0]
    return detect_language(_between(text, [(s[0], s[1]) for s in spans]), glossary.table)[0]


def _annotate_native(
    text: str, glossary: Glossary, house: Any, options: RewriteOptions, lang: str | None, found: Any
) -> list[Annotation]:
    """:func:`annotate_text` without typo matching, on the C core's matches."""
    matches, regions, _ = found
    if not matches:
        return []
    if lang is None:
        spans = matches
        if options.rewrite_loaded:
            spans = sorted([(m[0], m[1]) for m in matches] + neutral_spans(text, glossary))
        lang = detect_language_native(glossary.matcher.core, text, spans)[0]
    return _build_native(text, glossary, house, options, lang, matches, regions)


def _build_native(
    text: str, glossary: Glossary, house: Any, options: RewriteOptions, lang: str, matches: Any, regions: Any
) -> list[Annotation]:
    return distanced(text, _assemble_native(text, glossary, house, options, lang, matches, regions), glossary)


def _assemble_native(
    text: str, glossary: Glossary, house: Any, options: RewriteOptions, lang: str, matches: Any, regions: Any
) -> list[Annotation]:
    """The annotations of the core's matches (before the distancing words are looked at)."""
    memo, copies = _memo(glossary, house, options, lang)
    matcher = glossary.matcher
    rules = matcher.rules

    def miss(found_match: Any) -> tuple[Annotation, bool]:
        start, end, base_end, terms, ambiguous, kid, quoted, opens, readings = found_match
        if readings is not None:
            raw = matcher.raw_match(found_match)
            return _annotation(text, raw, glossary, house, options, regions, lang, memo), False
        base = text[start:base_end]
        suffix = text[base_end:end]
        rule = rules[kid]
        key = (terms, base, suffix, ambiguous, rule, opens)
        resolved = memo.get(key)
        if resolved is None:
            m = RawMatch(start, end, base_end, terms, ambiguous, rule)
            resolved = memo[key] = _resolve(m, glossary, house, options, lang, base, suffix, opens)
        return _make(glossary, start, end, text[start:end], resolved, quoted, ambiguous, terms, rule), True

    # The C core copies the annotation of a match seen before (same key, terms, surface, base,
    # ambiguity, sentence start and quotation) with the new offsets, and asks miss() for the rest.
    return native.assemble(Annotation, text, matches, copies, miss)


def neutral_spans(text: str, glossary: Glossary) -> list[tuple[int, int]]:
    """Where ``text`` says an entry's neutral wording, as ``normalize --rewrite loaded`` writes it.

    >>> from termnorm import load_glossary
    >>> g = load_glossary()
    >>> wording = g.entry("three-evil-forces").neutral
    >>> neutral_spans("x " + wording, g)[0] == (2, 2 + len(wording))
    True
    """
    spans = []
    for neutral in {e.neutral for e in glossary.entries.values() if e.neutral}:
        for variant in {neutral, neutral[:1].upper() + neutral[1:]}:
            pos = text.find(variant)
            while pos >= 0:
                spans.append((pos, pos + len(variant)))
                pos = text.find(variant, pos + 1)
    return sorted(spans)


def _between(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """The text outside the (sorted) spans, each span replaced by one space.

    >>> _between("新疆 Uighur x", [(0, 2), (3, 9)])
    '    x'
    """
    pieces: list[str] = []
    pos = 0
    for start, end in spans:
        pieces += [text[pos:start], " "]
        pos = max(pos, end)
    pieces.append(text[pos:])
    return "".join(pieces)


def _annotation(
    text: str,
    m: RawMatch,
    glossary: Glossary,
    style: Any,
    options: RewriteOptions,
    regions: Any,
    lang: str,
    memo: dict[tuple[Any, ...], _Resolved],
) -> Annotation:
    if m.readings:
        m = _pick_reading(text, m, glossary, lang)
    surface = text[m.start : m.end]
    base = text[m.start : m.base_end]
    suffix = text[m.base_end : m.end]
    quoted = in_regions(regions, m.start, m.end)
    fuzzy = m.score is not None or getattr(m, "corrected", None) is not None
    # Everything but the position depends only on these (and on style, options and language,
    # which ``memo`` is for), and a corpus repeats its surfaces.
    opens = _opens_sentence(text, m.start)
    key = (m.terms, base, suffix, m.ambiguous, m.rule, opens)
    resolved = None if fuzzy else memo.get(key)
    if resolved is None:
        resolved = _resolve(m, glossary, style, options, lang, base, suffix, opens)
        if not fuzzy:
            memo[key] = resolved
    return _make(glossary, m.start, m.end, surface, resolved, quoted, m.ambiguous, m.terms, m.rule)


def _make(
    glossary: Glossary,
    start: int,
    end: int,
    surface: str,
    resolved: _Resolved,
    quoted: bool,
    ambiguous: bool,
    terms: tuple[int, ...],
    rule: str,
) -> Annotation:
    """The annotation of one match (built as a tuple: this runs for every term of a corpus)."""
    entry, term, kind, score, new, neutral = resolved
    return _new_tuple(
        Annotation,
        (
            start,
            end,
            surface,
            entry.id,
            entry.label,
            term.form,
            term.type,
            term.lang,
            surface if new is None else new,
            term.loaded,
            term.used_by,
            term.note,
            kind,
            score,
            quoted,
            entry.category,
            term.status,
            neutral,
            ambiguous,
            tuple(sorted({glossary.terms[i].entry for i in terms})) if ambiguous else (),
            "quotation marks" if quoted else None,
            rule,
            term.derived is not None,
        ),
    )


_Resolved = tuple[Entry, Term, str, float, "str | None", "str | None"]
# Per glossary, and per style, options and document language: what _resolve found for a match.
_RESOLVED: WeakKeyDictionary[Glossary, dict[tuple[Any, ...], tuple[dict[Any, Any], dict[Any, Any]]]] = WeakKeyDictionary()
_RESOLVED_LIMIT = 20_000  # resolutions kept per style, options and language (then it starts afresh)


def _memo(glossary: Glossary, style: Any, options: RewriteOptions, lang: str) -> tuple[dict[Any, Any], dict[Any, Any]]:
    """What was already worked out with this glossary, style, options and language.

    Two dicts: the resolutions of :func:`_resolve`, and the annotations the C core copies for
    the matches it has seen, by surface (see :func:`_build_native`).
    """
    last = _LAST_MEMOS[0]
    memos: _Memos
    if last is not None and last[0]() is glossary and last[1] is options and last[2] == style.id and last[3] == lang:
        memos = last[4]  # the same as the document before (a corpus): no hashing of the options
    else:
        per_glossary = _RESOLVED.get(glossary)
        if per_glossary is None:
            per_glossary = _RESOLVED[glossary] = {}
        key = (style.id, options, lang)
        found = per_glossary.get(key)
        memos = per_glossary[key] = ({}, {}) if found is None else found
        _LAST_MEMOS[0] = (ref(glossary), options, style.id, lang, memos)
    for memo in memos:
        if len(memo) > _RESOLVED_LIMIT:
            memo.clear()
    return memos


_Memos = tuple[dict[Any, Any], dict[Any, Any]]
# The last look-up of _memo (the glossary by weak reference: it may be dropped).
_LAST_MEMOS: list[tuple[Any, Any, str, str, _Memos] | None] = [None]


def _resolve(
    m: RawMatch,
    glossary: Glossary,
    style: Any,
    options: RewriteOptions,
    lang: str,
    base: str,
    suffix: str,
    opens: bool = False,
) -> _Resolved:
    """The term a match stands for, its entry, how it matched and what normalize would write."""
    corrected = getattr(m, "corrected", None)  # a fuzzy match: the text as it was meant
    term = _choose_term(glossary, m.terms, corrected or base, suffix, lang)
    entry = glossary.entries[term.entry]
    fuzzy_score = m.score
    if fuzzy_score is not None:
        kind, score = "fuzzy", float(fuzzy_score)
    elif base == term.form:
        kind, score = "exact", 100.0
    else:
        kind, score = "folded", 100.0
    if fuzzy_score is not None:
        from .fuzzy import typo_replacement

        new = typo_replacement(m, entry, term, suffix, style, options)
    else:
        new = replacement(entry, term, base, suffix, style, options, ambiguous=m.ambiguous, doc_lang=lang, sentence_start=opens)
    return entry, term, kind, score, new, entry.neutral if entry.loaded else None


def _opens_sentence(text: str, start: int) -> bool:
    """True when a match at ``start`` opens a sentence (or the text).

    >>> _opens_sentence("Done. Uighurs", 6), _opens_sentence("the Uighurs", 4)
    (True, False)
    """
    before = text[max(0, start - 8) : start].rstrip(" \t\u00a0\"'“‘«(")
    return not before or before[-1] in ".!?\n:"


def _pick_reading(text: str, m: RawMatch, glossary: Glossary, lang: str) -> RawMatch:
    """Of several forms of one entry covering the same span, the one this document means."""
    family = lang.split("-")[0]

    def rank(reading: tuple[int, int]) -> tuple[bool, bool, bool, int]:
        term, base_end = glossary.terms[reading[0]], reading[1]
        exact = term.form.casefold() == text[m.start : base_end].casefold()
        return (exact, term.lang == lang, term.lang.split("-")[0] == family, base_end)

    best = max(m.readings, key=rank)
    terms = tuple(i for i, end in m.readings if end == best[1])
    return replace(m, base_end=best[1], terms=terms, readings=())


_ENGLISH_SUFFIXES = frozenset({"", "s", "es", "'s", "s'", "'", "\u2019s", "s\u2019", "\u2019"})


def _choose_term(glossary: Glossary, indexes: Sequence[int], base: str, suffix: str, lang: str) -> Any:
    """The glossary term a surface form stands for.

    A suffix that is not an English inflection (Turkish -lar, Uyghur لار) can only belong to a
    stem form. Then, in order: the exact form, the same form in another case, a form in the
    document's language, a typed (not derived) form.
    """
    terms = [glossary.terms[i] for i in indexes]
    if suffix.casefold() not in _ENGLISH_SUFFIXES:
        terms = [t for t in terms if t.stem] or terms
    family = lang.split("-")[0]
    low = base.casefold()

    def rank(t: Any) -> tuple[bool, bool, bool, bool, bool]:
        return (t.form == base, t.form.casefold() == low, t.lang == lang, t.lang.split("-")[0] == family, t.derived is None)

    return max(terms, key=rank)


def summarize(annotations: Sequence[Annotation]) -> dict[str, Any]:
    """Counts per entry, loaded terms, the framing profile (forms per ``used_by`` side), quoted."""
    entries = Counter(a.entry for a in annotations)
    framing: Counter[str] = Counter()
    framing_quoted: Counter[str] = Counter()
    for a in annotations:
        for who in a.used_by:
            framing[who] += 1
            if a.quoted:
                framing_quoted[who] += 1
    return {
        "entries": dict(sorted(entries.items(), key=lambda kv: (-kv[1], kv[0]))),
        "loaded": sum(a.loaded for a in annotations),
        "framing": dict(sorted(framing.items(), key=lambda kv: (-kv[1], kv[0]))),
        "framing_quoted": dict(sorted(framing_quoted.items(), key=lambda kv: (-kv[1], kv[0]))),
        "quoted": sum(a.quoted for a in annotations),
        "ambiguous": sum(a.ambiguous for a in annotations),
        "fuzzy": sum(a.match == "fuzzy" for a in annotations),
        "total": len(annotations),
    }


def annotate_document(
    text: str,
    glossary: Glossary,
    *,
    source: str = "-",
    doc_id: str | None = None,
    style: str = "default",
    options: RewriteOptions | None = None,
    fuzzy: bool = True,
) -> DocumentResult:
    """Annotate one document: its language, annotations and summary (the JSON contract).

    A pure function of (glossary, document): safe to run in worker processes.
    """
    core = glossary.matcher.core if native.ENABLED else None
    if core is not None:
        lang, languages = detect_language_native(core, text)
    else:
        lang, languages = detect_language(text, glossary.table)
    annotations = annotate_text(text, glossary, style=style, options=options, fuzzy=fuzzy, lang=lang)
    return DocumentResult(source, lang, tuple(annotations), summarize(annotations), doc_id, languages)

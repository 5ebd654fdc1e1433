"""What `normalize` writes in place of one match: the style's form, in the original's case."""

from __future__ import annotations

from dataclasses import dataclass

from .model import SPELLING_TYPES, Entry, Style, Term


@dataclass(frozen=True, slots=True)
class RewriteOptions:
    """Which kinds of rewrite `normalize` performs beyond spelling."""

    rewrite_loaded: bool = False  # replace loaded/framing terms with the entry's neutral wording
    fix_typos: bool = False  # rewrite fuzzy (typo) matches even below the strict threshold
    strict_fuzzy_score: float = 92.0


def apply_case(target: str, original: str) -> str:
    """Write ``target`` in the case pattern of ``original``.

    >>> apply_case("Uyghur", "UIGHUR"), apply_case("Uyghur", "uighur"), apply_case("Uyghur", "Uighur")
    ('UYGHUR', 'uyghur', 'Uyghur')
    >>> apply_case("Urumqi", "Urumchi"), apply_case("新疆", "新疆")
    ('Urumqi', '新疆')
    >>> apply_case("de-extremification", "De-extremization")  # a sentence-initial capital stays
    'De-extremification'
    """
    letters = [c for c in original if c.isalpha()]
    if len(letters) >= 2 and all(c.isupper() for c in letters) and any(c.islower() for c in target):
        return target.upper()
    if letters and all(c.islower() for c in letters) and any(c.isupper() for c in target):
        return target.lower()
    if letters and letters[0].isupper() and target[:1].islower():
        return target[:1].upper() + target[1:]
    return target


def keep_variety(target: str, original: str) -> str:
    """Keep the original's British or American spelling in a rewritten phrase.

    >>> keep_variety("vocational education and training centre", "vocational and education training centers")
    'vocational education and training center'
    """
    from .derive import word_variants

    seen = {w.casefold().rstrip("s") for w in original.split()} | {w.casefold() for w in original.split()}
    words = []
    for word in target.split(" "):
        low = word.casefold()
        for variant in word_variants(low):
            if variant != low and variant in seen and low not in seen:
                word = variant if word.islower() else variant[:1].upper() + variant[1:]
                break
        words.append(word)
    return " ".join(words)


def target_form(entry: Entry, term: Term, style: Style) -> str | None:
    """The form the style writes for a spelling variant, or None when it is left alone."""
    if term.type not in SPELLING_TYPES:
        return None
    if term.lang == "en" or term.lang.startswith("zh-Latn"):
        if entry.id in style.prefer:
            return style.prefer[entry.id]
        preferred = entry.preferred("en")
        return preferred.form if preferred is not None else None
    if term.type == "preferred" or term.status == "preferred":
        return None
    preferred = entry.preferred(term.lang)
    return preferred.form if preferred is not None else None


def _framing_form(entry: Entry, form: str | None) -> bool:
    """Whether ``form`` is one of the entry's loaded or framing terms."""
    return any(t.form == form and (t.loaded or t.type == "framing") for t in entry.terms)


def _neutral(entry: Entry, base: str, suffix: str, sentence_start: bool) -> str | None:
    """The entry's neutral wording, capitalised when it opens a sentence."""
    neutral = entry.neutral or ""
    if sentence_start and base[:1].isupper() and neutral[:1].islower():
        neutral = neutral[:1].upper() + neutral[1:]
    return neutral if neutral and neutral != base + suffix else None


def replacement(
    entry: Entry,
    term: Term,
    base: str,
    suffix: str,
    style: Style,
    options: RewriteOptions,
    *,
    fuzzy_score: float | None = None,
    ambiguous: bool = False,
    doc_lang: str = "en",
    sentence_start: bool = False,
) -> str | None:
    """The text to write over a match (``base`` + ``suffix``), or None to leave it alone.

    Spelling is rewritten to the style's form; loaded and framing terms only when asked, to the
    entry's neutral wording; ambiguous matches never.
    """
    if ambiguous:
        return None
    if fuzzy_score is not None and not options.fix_typos and fuzzy_score < options.strict_fuzzy_score:
        return None
    # With --rewrite loaded, whatever would be written as a framing goes straight to the neutral
    # wording, so that a second run has nothing left to do.
    reframe = options.rewrite_loaded and entry.neutral is not None
    if term.correct_to is not None:
        # A misspelled form is corrected to its own correct spelling, whatever its framing.
        if reframe and (term.loaded or term.type == "framing" or _framing_form(entry, term.correct_to)):
            return _neutral(entry, base, suffix, sentence_start)
        written = apply_case(keep_variety(term.correct_to, base), base)
        return written + suffix if written != base else None
    if term.loaded or term.type == "framing":
        return _neutral(entry, base, suffix, sentence_start) if reframe else None
    if style.chinese_script != "keep" and term.script == "han" and term.type != "misspelling":
        from .derive import convert

        converted = convert(base, "t2s" if style.chinese_script == "hans" else "s2t")
        return converted + suffix if converted != base else None
    if term.lang == "en" and doc_lang not in ("en", "und"):
        return None  # English house spelling is not imposed on text in another language
    target = target_form(entry, term, style)
    if target is None or (target == term.form and fuzzy_score is None):
        # None: not a spelling variant. Same form: the text differs from the style's form only in
        # what matching folds (case, accents, British/American spelling, hyphens), which is kept.
        return None
    if reframe and _framing_form(entry, target):
        return _neutral(entry, base, suffix, sentence_start)
    written = apply_case(target, base)
    return written + suffix if written != base else None

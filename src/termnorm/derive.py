"""Forms derived at compile time: Chinese script variants (OpenCC) and English spelling variants."""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from .model import Entry, Term

_OPENCC_CONFIGS = {"zh-Hans": ("s2t", "s2tw", "s2hk"), "zh-Hant": ("t2s",)}
_TARGET_LANG = {"s2t": "zh-Hant", "s2tw": "zh-Hant", "s2hk": "zh-Hant", "t2s": "zh-Hans"}


@lru_cache(maxsize=8)
def _converter(config: str):  # type: ignore[no-untyped-def]
    from opencc import OpenCC

    return OpenCC(config)


def convert(text: str, config: str) -> str:
    """Convert Chinese text with an OpenCC configuration (``s2t``, ``t2s``, ``s2tw``, ``s2hk``).

    >>> convert("维吾尔族", "s2t")
    '維吾爾族'
    """
    return str(_converter(config).convert(text))


def derive_script_forms(entry: Entry) -> Entry:
    """Add the traditional forms of simplified terms, and the reverse, marked as derived.

    A derived form that equals a typed form is not added: the typed one wins.
    """
    typed = {(t.lang, t.form) for t in entry.terms}
    added: list[Term] = []
    for term in entry.terms:
        for config in _OPENCC_CONFIGS.get(term.lang, ()):
            form = convert(term.form, config)
            lang = _TARGET_LANG[config]
            if form == term.form or (lang, form) in typed:
                continue
            typed.add((lang, form))
            added.append(replace(term, form=form, lang=lang, derived=f"OpenCC {config} of {term.form}", line=term.line))
    if not added:
        return entry
    return replace(entry, terms=entry.terms + tuple(added))


def opencc_mismatches(entry: Entry) -> list[tuple[Term, str]]:
    """Typed traditional forms that OpenCC would render differently from their simplified twin."""
    out = []
    simplified = {t.form for t in entry.terms if t.lang == "zh-Hans" and not t.derived}
    for term in entry.terms:
        if term.lang != "zh-Hant" or term.derived:
            continue
        twin = convert(term.form, "t2s")
        if twin in simplified:
            renders = {convert(twin, c) for c in _OPENCC_CONFIGS["zh-Hans"]}
            if term.form not in renders:
                out.append((term, sorted(renders)[0]))
    return out


@lru_cache(maxsize=1)
def han_fold_table() -> dict[int, str]:
    """Traditional and variant Chinese characters mapped to one simplified character.

    Built from OpenCC's character tables; only one-to-one mappings are kept, so folding keeps
    every offset. Used to match simplified and traditional text (and a mix of both) alike.

    >>> t = han_fold_table()
    >>> "維吾爾烏魯木齊於".translate(t)
    '维吾尔乌鲁木齐于'
    """
    import opencc

    folder = Path(opencc.__file__).parent / "dictionary"
    table: dict[int, str] = {}
    variants: dict[str, str] = {}
    for name in ("TWVariantsRev.txt", "HKVariantsRev.txt", "JPVariants.txt"):
        for src, dst in _read_pairs(folder / name):
            if name == "JPVariants.txt":
                src, dst = dst, src  # the file maps standard -> Japanese shinjitai
            variants.setdefault(src, dst)
    for src, dst in _read_pairs(folder / "TSCharacters.txt"):
        table[ord(src)] = dst
    for src, dst in variants.items():
        simple = table.get(ord(dst), dst)
        if ord(src) not in table and simple != src:
            table[ord(src)] = simple
    # Common variant characters OpenCC treats as distinct words but text uses interchangeably.
    for src, dst in {"爲": "为", "於": "于", "裏": "里", "裡": "里", "着": "着", "衞": "卫", "僞": "伪"}.items():
        table[ord(src)] = dst
    return {k: v for k, v in table.items() if chr(k) != v}


def _read_pairs(path: Path) -> list[tuple[str, str]]:
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        src, _, dsts = line.partition("\t")
        dst = dsts.split(" ")[0] if dsts else ""
        if len(src) == 1 and len(dst) == 1:
            pairs.append((src, dst))
    return pairs


# British -> American spelling rules, applied per word (and reversed).
_WORD_RULES = [
    (re.compile(r"(isation|isations)$"), lambda m: m.group(1).replace("is", "iz", 1)),
    (re.compile(r"(ization|izations)$"), lambda m: m.group(1).replace("iz", "is", 1)),
    (re.compile(r"(ise|ised|ises|ising)$"), lambda m: "iz" + m.group(1)[2:]),
    (re.compile(r"(ize|ized|izes|izing)$"), lambda m: "is" + m.group(1)[2:]),
    (re.compile(r"(?<=[^aeiou])(tre|bre)(s?)$"), lambda m: m.group(1)[0] + "er" + m.group(2)),
    (re.compile(r"(?<=[^aeiou])(ter|ber)(s?)$"), lambda m: m.group(1)[0] + "re" + m.group(2)),
    (re.compile(r"(?<=[bcdfghlmnprstv])our(s?)$"), lambda m: "or" + m.group(1)),
    (re.compile(r"(?<=[bcdfghlmnprstv])or(s?)$"), lambda m: "our" + m.group(1)),
    (re.compile(r"(?<=[^l])lment(s?)$"), lambda m: "llment" + m.group(1)),
    (re.compile(r"llment(s?)$"), lambda m: "lment" + m.group(1)),
    (re.compile(r"ence$"), lambda m: "ense"),
    (re.compile(r"ense$"), lambda m: "ence"),
    (re.compile(r"programme(s?)$"), lambda m: "program" + m.group(1)),
    (re.compile(r"program(s?)$"), lambda m: "programme" + m.group(1)),
]
_SHORT_WORDS = frozenset(
    {
        "for",
        "or",
        "nor",
        "our",
        "four",
        "your",
        "hour",
        "tour",
        "pour",
        "sour",
        "after",
        "under",
        "over",
        "water",
        "other",
        "number",
        "member",
        "sense",
        "hence",
        "since",
        "once",
        "license",
    }
)


def word_variants(word: str) -> set[str]:
    out = {word}
    if len(word) < 5 or word in _SHORT_WORDS:
        return out
    for pattern, repl in _WORD_RULES:
        if pattern.search(word):
            out.add(pattern.sub(repl, word))
    return out


def english_variants(key: str, limit: int = 32) -> set[str]:
    """British/American spelling variants of a folded English key (both ways).

    >>> sorted(english_variants("vocational training centre"))
    ['vocational training center', 'vocational training centre']
    >>> sorted(english_variants("forced labour"))
    ['forced labor', 'forced labour']
    >>> sorted(english_variants("de extremification"))
    ['de extremification']
    """
    results = {""}
    for word in key.split(" "):
        results = {f"{r} {v}" if r else v for r in results for v in word_variants(word)}
        if len(results) > limit:
            break
    return results if len(results) <= limit else {key}


def plural_variants(key: str) -> set[str]:
    """Irregular English plurals the suffix rule cannot reach (``-y`` -> ``-ies``).

    >>> sorted(plural_variants("ethnic minority"))
    ['ethnic minorities']
    """
    if len(key) > 3 and key.endswith("y") and key[-2] not in "aeiou" and key[-2].isalpha():
        return {key[:-1] + "ies"}
    return set()

"""Build ``tests/noisy/cases.jsonl``: the glossary's own forms, corrupted the way news text is.

Every case is a short sentence in the form's language with one noisy form in it, labelled with
the entry it stands for and its exact span. The corruptions are systematic:

* ``typo:*`` (Latin and Cyrillic): one deleted, inserted, substituted (keyboard neighbour),
  doubled or transposed letter; two edits in tokens of eight letters or more (not at the first
  letter); the tokens corrupted are the ones fuzzy matching is meant for (see
  :mod:`termnorm.fuzzy`), and a corruption that is a real word or another glossary form is
  written as a *negative* case instead: nothing may be reported there;
* ``spacing``: extra, non-breaking, zero-width or soft-hyphen noise inside and between words,
  and stray spaces between Chinese characters;
* ``width``: full-width Latin letters and full-width brackets around the form;
* ``script:*``: simplified characters leaking into a traditional form and the reverse, variant
  characters (於/于, 爲/為 …), Cyrillic look-alike letters in a Latin word;
* ``separator``: Chinese personal names with ·, •, ・, ., ．, ‧ or a spaced dot;
* ``arabic:*``: Uyghur in presentation forms, with ZWNJ/ZWJ or tatweel inside, with Persian
  and Arabic letter variants, and with case suffixes on stem forms;
* ``seed``: the seed articles' own typos, with the editor's verdict.

A form is used only when its clean spelling is recognised in the same sentence, so the set
measures robustness to noise, not the glossary's coverage. Run from the repository root after
the glossary changes::

    python tests/noisy/make_noisy.py
"""

from __future__ import annotations

import json
import random
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

from evaluate import score_cases

from termnorm import Glossary, Term, load_glossary
from termnorm.derive import convert
from termnorm.fold import fold, fold_key
from termnorm.typo_index import fuzzy_index, max_edits

OUT = Path(__file__).resolve().parent / "cases.jsonl"
SEED = 7

TEMPLATES = {
    "en": "On Monday the report mentioned {} twice.",
    "de": "Am Montag erwähnte der Bericht {} zweimal.",
    "fr": "Lundi, le rapport a mentionné {} deux fois.",
    "tr": "Pazartesi günü rapor {} konusunu iki kez andı.",
    "ru": "В понедельник в докладе дважды упоминалось: {} и другое.",
    "kk": "Дүйсенбі күні баяндамада {} туралы айтылды.",
    "ky": "Дүйшөмбү күнү баяндамада {} жөнүндө айтылды.",
    "ug-Latn": "Düshenbe küni doklatta {} tilgha élindi.",
    "ug-Cyrl": "Дүшәнбә күни докладта {} тилға елинди.",
    "ug-Arab": "دۈشەنبە كۈنى دوكلاتتا {} تىلغا ئېلىندى.",
    "zh-Hans": "据报道，{}的问题周一再次引起关注。",
    "zh-Hant": "據報導，{}的問題週一再次引起關注。",
    "ja": "報道によると、{}について月曜日に議論された。",
}
_KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
# Letters next to each other on a keyboard row: the usual substitution typos.
_NEIGHBOURS = {row[i]: row[max(0, i - 1) : i] + row[i + 1 : i + 2] for row in _KEYBOARD_ROWS for i in range(len(row))}
_LOOKALIKE = dict(zip("aeopcyxAEOPCYXBHKMT", "аеорсухАЕОРСУХВНКМТ", strict=True))
_VARIANTS = {"于": "於", "为": "爲", "里": "裡", "卫": "衞", "伪": "僞"}
_SEPARATORS = ("·", "•", "・", ".", "．", "‧", " · ", " • ")
_RIGHT_JOINING = set("اأإآدذرزژوۇۆۈۋەۅۉؤ")
_UYGHUR_SUFFIXES = ("لار", "لەر", "نىڭ", "غا", "دىكى", "نى")


def _template(lang: str) -> str:
    return TEMPLATES.get(lang) or TEMPLATES.get(lang.split("-")[0]) or TEMPLATES["en"]


def _case(kind: str, term: Term, noisy: str, *, lang: str | None = None, suffix: str = "") -> dict[str, object]:
    template = _template(lang or term.lang)
    start = template.index("{}")
    text = template.format(noisy + suffix)
    span = text[start : start + len(noisy) + len(suffix)]
    expected = {"entry": term.entry, "start": start, "end": start + len(span), "text": span}
    return {"kind": kind, "lang": term.lang, "form": term.form, "input": text, "expected": expected}


def _found(glossary: Glossary, case: dict[str, object]) -> bool:
    """Whether the expected entry is annotated at exactly the expected span."""
    return score_cases(glossary, [case]).recall == 1.0


# --- Latin and Cyrillic typos -------------------------------------------------------------


def _edits(token: str, rng: random.Random) -> Iterator[tuple[str, str]]:
    """One-edit corruptions of ``token``, one of each kind where the token allows it."""
    n = len(token)
    i = rng.randrange(1, n - 1)
    yield "typo:delete", token[:i] + token[i + 1 :]
    near = _NEIGHBOURS.get(token[i].lower(), "") or "aeiou"
    yield "typo:substitute", token[:i] + rng.choice(near) + token[i + 1 :]
    yield "typo:insert", token[:i] + rng.choice(near) + token[i:]
    yield "typo:double", token[:i] + token[i] + token[i:]
    j = rng.randrange(1, n - 1)
    if token[j] != token[j + 1]:
        yield "typo:transpose", token[:j] + token[j + 1] + token[j] + token[j + 2 :]


def _two_edits(token: str, rng: random.Random) -> str:
    once = next(_edits(token, rng))[1] if rng.random() < 0.5 else list(_edits(token, rng))[2][1]
    kinds = list(_edits(once, rng))
    return rng.choice(kinds)[1]


def typo_cases(glossary: Glossary, rng: random.Random) -> Iterator[dict[str, object]]:
    """Typos in the tokens that fuzzy matching covers, plus the negatives they turn into."""
    index = fuzzy_index(glossary)
    for shape in index.shapes:
        term = glossary.terms[shape.terms[0]]
        slots = [s for s in shape.slots if s.fuzzy]
        slot = rng.choice(slots)
        m = _find_token(term.form, slot.token, glossary)
        if m is None:
            continue
        a, b = m
        original = term.form[a:b]
        variants = list(_edits(original, rng))
        cyrillic = any("\u0400" <= c <= "\u052f" for c in original)
        if max_edits(len(slot.token), cyrillic=cyrillic) >= 2:
            variants.append(("typo:two-edits", _two_edits(original, rng)))
        for kind, wrong in rng.sample(variants, min(2, len(variants))):
            noisy = term.form[:a] + wrong + term.form[b:]
            case = _case(kind, term, noisy)
            if index.refusal(fold_key(wrong, glossary.table)) is not None:
                case["expected"] = None  # a real word: a careful editor leaves it alone
                case["span"] = [case["input"].index(noisy), case["input"].index(noisy) + len(noisy)]
            yield case


def _find_token(form: str, token: str, glossary: Glossary) -> tuple[int, int] | None:
    folded = fold(form, glossary.table)
    if folded.segments:
        return None
    for m in re.finditer(r"[^\W\d_]+", folded.text):
        if m.group() == token:
            return m.start(), m.end()
    return None


# --- spacing, width, scripts, separators --------------------------------------------------


def spacing_cases(term: Term, rng: random.Random) -> Iterator[dict[str, object]]:
    form = term.form
    if term.script == "han" and len(form) >= 2:
        i = rng.randrange(1, len(form))
        yield _case("spacing:han", term, form[:i] + rng.choice((" ", "  ", "\u3000", "\n")) + form[i:])
    elif term.script in ("latin", "cyrillic"):
        if " " in form:
            yield _case("spacing:between", term, form.replace(" ", rng.choice(("  ", "\u00a0", "\n", " \t"))))
        letters = [i for i in range(1, len(form)) if form[i - 1].isalpha() and form[i].isalpha()]
        if letters:
            i = rng.choice(letters)
            yield _case("spacing:invisible", term, form[:i] + rng.choice(("\u00ad", "\u200b", "\u2060")) + form[i:])


def width_cases(term: Term, rng: random.Random) -> Iterator[dict[str, object]]:
    form = term.form
    if term.script == "latin" and form.isascii():
        wide = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else "\u3000" if c == " " else c for c in form)
        yield _case("width:latin", term, wide)
    if term.script == "han":
        case = _case("width:brackets", term, form)
        for key in ("input",):
            case[key] = str(case[key]).replace(form, f"（{form}）", 1)
        exp = case["expected"]
        assert isinstance(exp, dict)
        exp["start"] = int(exp["start"]) + 1
        exp["end"] = int(exp["end"]) + 1
        yield case


def script_cases(term: Term, rng: random.Random) -> Iterator[dict[str, object]]:
    form = term.form
    if term.script == "han" and term.lang in ("zh-Hans", "zh-Hant") and len(form) >= 2:
        other = convert(form, "s2t" if term.lang == "zh-Hans" else "t2s")
        if len(other) == len(form) and other != form:
            mixed = "".join(o if rng.random() < 0.5 else c for c, o in zip(form, other, strict=True))
            if mixed in (form, other):
                i = next(k for k in range(len(form)) if form[k] != other[k])
                mixed = form[:i] + other[i] + form[i + 1 :]
            leak_lang = "zh-Hant" if term.lang == "zh-Hans" else "zh-Hans"
            yield _case("script:han-leak", term, mixed, lang=leak_lang)
        for simple, variant in _VARIANTS.items():
            if simple in form:
                yield _case("script:variant", term, form.replace(simple, variant))
    if term.script == "latin" and term.lang == "en":
        spots = [i for i, c in enumerate(form) if c in _LOOKALIKE]
        if spots and len(form) >= 4:
            i = rng.choice(spots)
            yield _case("script:lookalike", term, form[:i] + _LOOKALIKE[form[i]] + form[i + 1 :])


def separator_cases(term: Term, rng: random.Random) -> Iterator[dict[str, object]]:
    if term.script == "han" and "·" in term.form:
        for sep in rng.sample(_SEPARATORS, 3):
            yield _case("separator", term, term.form.replace("·", sep))


# --- Uyghur in Arabic script --------------------------------------------------------------


def _presentation_forms() -> dict[tuple[str, str], str]:
    forms: dict[tuple[str, str], str] = {}
    for cp in list(range(0xFB50, 0xFE00)) + list(range(0xFE70, 0xFF00)):
        ch = chr(cp)
        name = unicodedata.name(ch, "")
        base = unicodedata.normalize("NFKC", ch)
        for shape in ("ISOLATED", "INITIAL", "MEDIAL", "FINAL"):
            if name.endswith(f"{shape} FORM") and len(base) == 1:
                forms.setdefault((base, shape), ch)
    return forms


def shape_arabic(word: str) -> str:
    """``word`` written in presentation forms, as old PDF extractions and some fonts leave it."""
    forms = _presentation_forms()
    out = []
    for i, ch in enumerate(word):
        prev_joins = i > 0 and word[i - 1] not in _RIGHT_JOINING and _is_arabic(word[i - 1])
        next_joins = i + 1 < len(word) and _is_arabic(word[i + 1]) and ch not in _RIGHT_JOINING
        shape = {(False, False): "ISOLATED", (False, True): "INITIAL", (True, True): "MEDIAL", (True, False): "FINAL"}[
            (prev_joins, next_joins)
        ]
        out.append(forms.get((ch, shape)) or forms.get((ch, "ISOLATED")) or ch)
    return "".join(out)


def _is_arabic(ch: str) -> bool:
    return "\u0600" <= ch <= "\u06ff"


def arabic_cases(term: Term, rng: random.Random) -> Iterator[dict[str, object]]:
    form = term.form
    if term.script != "arabic":
        return
    yield _case("arabic:presentation", term, shape_arabic(form))
    inner = [i for i in range(1, len(form)) if _is_arabic(form[i - 1]) and _is_arabic(form[i])]
    if inner:
        i = rng.choice(inner)
        yield _case("arabic:joiner", term, form[:i] + rng.choice(("\u200c", "\u200d")) + form[i:])
        joining = [k for k in inner if form[k - 1] not in _RIGHT_JOINING]
        if joining:
            k = rng.choice(joining)
            yield _case("arabic:tatweel", term, form[:k] + "\u0640" + form[k:])
    swaps = {"ى": "ی", "ك": "ک", "ە": "ه"}
    if any(c in form for c in swaps):
        yield _case("arabic:letters", term, "".join(swaps.get(c, c) for c in form))
    if term.stem:
        yield _case("arabic:suffix", term, form, suffix=rng.choice(_UYGHUR_SUFFIXES))


# --- the seeds' own typos ------------------------------------------------------------------

# (text, the typo, entries a careful editor reports for it; none: leave it alone). The editor
# may report the typo inside a longer form ("carders and masses").
SEED_CASES = (
    ("According to the US State Department up to 2 million mostly-Mulism Uyghurs", "Mulism", ("muslim",)),
    ("those who graduated from the vocational and education training centers…", "vocational and education training centers", ("xinjiang-camps",)),
    ("The so called sanctions are a stark hegemonic act", "so called", ("so-called",)),
    ("The carders and masses in Xinjiang firmly oppose and strongly condemn this.", "carders", ("cadres", "cadres-and-masses")),
    ("helping them change mindset, brodening ways to increase their income", "brodening", ()),
)  # fmt: skip


def seed_cases(glossary: Glossary) -> Iterator[dict[str, object]]:
    for text, surface, entries in SEED_CASES:
        start = text.index(surface)
        case: dict[str, object] = {"kind": "seed", "lang": "en", "form": surface, "input": text}
        if not entries:
            yield {**case, "expected": None, "span": [start, start + len(surface)]}
            continue
        known = [e for e in entries if e in glossary.entries]
        if known:
            exp = {
                "entry": known[0],
                "entries": known,
                "cover": True,
                "start": start,
                "end": start + len(surface),
                "text": surface,
            }
            yield {**case, "expected": exp}


# --- building the set ----------------------------------------------------------------------

GENERATORS: tuple[Callable[[Term, random.Random], Iterator[dict[str, object]]], ...] = (
    spacing_cases,
    width_cases,
    script_cases,
    separator_cases,
    arabic_cases,
)


def build(glossary: Glossary, seed: int = SEED) -> tuple[list[dict[str, object]], Counter[str]]:
    """Every case, and what was left out and why."""
    rng = random.Random(seed)
    skipped: Counter[str] = Counter()
    usable = {id(t) for t in glossary.terms if _usable(glossary, t, skipped)}
    cases: list[dict[str, object]] = []
    for term in glossary.terms:
        if id(term) in usable:
            for gen in GENERATORS:
                cases.extend(gen(term, rng))
    for case in typo_cases(glossary, rng):
        if case["expected"] is None or id(_term_of(glossary, case)) in usable:
            cases.append(case)
    cases.extend(seed_cases(glossary))
    shaped = {shape.key_id for shape in fuzzy_index(glossary).shapes}
    for term in glossary.terms:
        key = glossary.matcher.key_index.get(fold_key(term.form, glossary.matcher.table))
        if id(term) in usable and term.script in ("latin", "cyrillic") and key not in shaped:
            skipped["typos: no token fuzzy matching covers (short, a common word, fuzzy: false)"] += 1
    for n, case in enumerate(cases):
        case["id"] = f"{n:05d}"
    return cases, skipped


def _term_of(glossary: Glossary, case: dict[str, object]) -> Term | None:
    exp = case["expected"]
    assert isinstance(exp, dict)
    for t in glossary.terms:
        if t.form == case["form"] and t.entry == exp["entry"]:
            return t
    return None


def _usable(glossary: Glossary, term: Term, skipped: Counter[str]) -> bool:
    if term.case_sensitive or term.context is not None:
        skipped["case-sensitive or context-ruled form"] += 1
        return False
    clean = _case("clean", term, term.form)
    if not _found(glossary, clean):
        skipped["clean form not matched alone (shadowed or ambiguous)"] += 1
        return False
    return True


def main() -> None:
    glossary = load_glossary()
    cases, skipped = build(glossary)
    with OUT.open("w", encoding="utf-8") as fh:
        for case in cases:
            fh.write(json.dumps(case, ensure_ascii=False, sort_keys=True) + "\n")
    kinds = Counter(str(c["kind"]) + ("" if c["expected"] else " (negative)") for c in cases)
    print(f"{OUT}: {len(cases)} cases")
    for kind, n in sorted(kinds.items()):
        print(f"  {kind}: {n}")
    for reason, n in skipped.items():
        print(f"  left out, {reason}: {n}")


if __name__ == "__main__":
    main()

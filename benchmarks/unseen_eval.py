"""Recall and precision of ``annotate`` on texts the glossary was not written from.

The texts in ``tests/corpus/unseen/`` are paraphrases written for this project, each modelled on
the usage (the same contested terms, in context) of a real article cited in its header, from
outlets on every side of the debate (PRC state
media, Taiwan and Hong Kong papers, Western wires and papers, Russian, Turkish and Japanese
media, Uyghur diaspora sites, the UN and rights groups) in eleven languages and scripts. Each
starts with a ``# key: value`` header (source URL, outlet, date) that is not annotated.
``expected.yaml`` says, per file, what a careful editor wants found: a list of ``{text, entry}``
(every whole-word occurrence of ``text`` is one mention of ``entry``) and ``optional`` hits that
count neither for nor against.

An expected mention is *found* when an annotation overlaps it and names its entry (or, when the
annotation is flagged ambiguous, lists the entry among its candidates). An annotation is *correct*
when it finds an expected mention; one that only matches an optional mention is not counted;
every other annotation is a false hit. Recall = found / expected mentions; precision =
correct / counted annotations.

Files named ``<lang>-h<n>.txt`` are a held-out set: collected after the glossary had been fixed
against the others, and scored once before any further fix (the README reports both rows).

Run ``python benchmarks/unseen_eval.py`` for the per-language table (``--misses`` lists every
miss and false hit; ``--subset heldout`` scores only the held-out files; ``--glossary DIR``
evaluates another glossary folder).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from termnorm import Glossary, load_glossary
from termnorm.annotate import Annotation, annotate_text
from termnorm.fold import is_word_char

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "corpus" / "unseen"
LANGS = ("en", "zh-Hans", "zh-Hant", "ug-Arab", "ug-Latn", "ug-Cyrl", "de", "fr", "ru", "tr", "ja")


@dataclass(frozen=True)
class Mention:
    """One occurrence of an expected (or optional) term in an excerpt body."""

    start: int
    end: int
    entry: str
    text: str


@dataclass(frozen=True)
class Case:
    """One excerpt: its language, body (header removed) and the mentions to find."""

    name: str
    lang: str
    body: str
    expected: tuple[Mention, ...]
    optional: tuple[Mention, ...]

    @property
    def heldout(self) -> bool:
        """True for the held-out files (``en-h1.txt``)."""
        return self.name.rsplit("-", 1)[1].startswith("h")


@dataclass
class Score:
    """Counts for one excerpt or one language, with what went wrong."""

    expected: int = 0
    found: int = 0
    counted: int = 0  # annotations that count for precision
    correct: int = 0
    misses: list[str] = field(default_factory=list)
    false_hits: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.expected if self.expected else 1.0

    @property
    def precision(self) -> float:
        return self.correct / self.counted if self.counted else 1.0

    def add(self, other: Score) -> None:
        self.expected += other.expected
        self.found += other.found
        self.counted += other.counted
        self.correct += other.correct
        self.misses += other.misses
        self.false_hits += other.false_hits


def split_header(raw: str) -> str:
    """The excerpt body: everything after the leading ``# key: value`` lines and one blank line.

    >>> split_header("# source: x\\n# date: y\\n\\nText here\\n")
    'Text here\\n'
    """
    lines = raw.split("\n")
    i = 0
    while i < len(lines) and lines[i].startswith("#"):
        i += 1
    if i < len(lines) and not lines[i].strip():
        i += 1
    return "\n".join(lines[i:])


def occurrences(body: str, text: str) -> list[tuple[int, int]]:
    """Every occurrence of ``text`` in ``body`` that is not part of a longer word.

    >>> occurrences("Uyghurs and Uyghur, Uyghur", "Uyghur")
    [(12, 18), (20, 26)]
    >>> occurrences("新疆维吾尔自治区", "维吾尔")
    [(2, 5)]
    """
    out = []
    start = body.find(text)
    while start != -1:
        end = start + len(text)
        before_ok = start == 0 or not (is_word_char(text[0]) and is_word_char(body[start - 1]))
        after_ok = end == len(body) or not (is_word_char(text[-1]) and is_word_char(body[end]))
        if before_ok and after_ok:
            out.append((start, end))
        start = body.find(text, start + 1)
    return out


def mentions(body: str, items: Sequence[dict[str, str]], longer: Sequence[tuple[int, int]] = ()) -> list[Mention]:
    """The mentions of ``items`` in ``body``; an occurrence inside a longer listed one is dropped."""
    spans = {(a, b, it["entry"], it["text"]) for it in items for a, b in occurrences(body, it["text"])}
    every = [(a, b) for a, b, _, _ in spans] + list(longer)
    kept = [
        Mention(a, b, entry, text)
        for a, b, entry, text in spans
        if not any(c <= a and b <= d and (d - c) > (b - a) for c, d in every)
    ]
    return sorted(kept, key=lambda m: (m.start, m.end))


def load_cases(corpus: Path = CORPUS) -> list[Case]:
    """Every excerpt of the corpus with its expected and optional mentions."""
    spec = yaml.safe_load((corpus / "expected.yaml").read_text(encoding="utf-8"))
    cases = []
    for name, wanted in spec.items():
        body = split_header((corpus / name).read_text(encoding="utf-8"))
        exp_items = wanted.get("expected") or []
        opt_items = wanted.get("optional") or []
        # An optional text never hides an expected one; an expected text hides optional ones inside it.
        exp_spans = [s for it in exp_items for s in occurrences(body, it["text"])]
        expected = mentions(body, exp_items)
        optional = mentions(body, opt_items, exp_spans)
        cases.append(Case(name, name.rsplit("-", 1)[0], body, tuple(expected), tuple(optional)))
    return cases


def _names(a: Annotation) -> set[str]:
    return {a.entry, *a.candidates} if a.ambiguous else {a.entry}


def _hits(a: Annotation, ms: Iterable[Mention]) -> list[Mention]:
    names = _names(a)
    return [m for m in ms if m.entry in names and a.start < m.end and m.start < a.end]


def score(case: Case, annotations: Sequence[Annotation]) -> Score:
    """Compare the annotations of one excerpt with its mentions."""
    s = Score(expected=len(case.expected))
    found: set[Mention] = set()
    for a in annotations:
        hits = _hits(a, case.expected)
        if hits:
            found.update(hits)
            s.counted += 1
            s.correct += 1
        elif _hits(a, case.optional):
            continue
        else:
            s.counted += 1
            s.false_hits.append(f"{case.name}: {a.text!r} -> {a.entry} (at {a.start})")
    s.found = len(found)
    s.misses = [f"{case.name}: {m.text!r} -> {m.entry} (at {m.start})" for m in case.expected if m not in found]
    return s


def evaluate(glossary: Glossary, cases: Sequence[Case]) -> dict[str, Score]:
    """Scores per language, plus ``"all"``."""
    per: dict[str, Score] = {}
    total = Score()
    for case in cases:
        s = score(case, annotate_text(case.body, glossary))
        per.setdefault(case.lang, Score()).add(s)
        total.add(s)
    ordered = {lang: per[lang] for lang in LANGS if lang in per}
    ordered.update({lang: sc for lang, sc in per.items() if lang not in ordered})
    ordered["all"] = total
    return ordered


def table(scores: dict[str, Score], cases: Sequence[Case]) -> str:
    """A Markdown table: files, expected mentions, recall and precision per language."""
    files: dict[str, int] = {}
    for c in cases:
        files[c.lang] = files.get(c.lang, 0) + 1
    rows = ["| language | files | expected | found | recall | annotations | precision |", "|---|---:|---:|---:|---:|---:|---:|"]
    for lang, s in scores.items():
        n = len(cases) if lang == "all" else files.get(lang, 0)
        rows.append(f"| {lang} | {n} | {s.expected} | {s.found} | {s.recall:.3f} | {s.counted} | {s.precision:.3f} |")
    return "\n".join(rows)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--glossary", type=Path, default=None, help="glossary folder (default: the shipped one)")
    parser.add_argument("--misses", action="store_true", help="list every miss and false hit")
    parser.add_argument("--subset", choices=("all", "dev", "heldout"), default="all", help="which files to score")
    args = parser.parse_args(argv)
    glossary = load_glossary(args.glossary, cache=False) if args.glossary else load_glossary()
    cases = [c for c in load_cases() if args.subset == "all" or c.heldout == (args.subset == "heldout")]
    scores = evaluate(glossary, cases)
    print(table(scores, cases))
    if args.misses:
        total = scores["all"]
        print("\nmisses:", *total.misses, sep="\n  ")
        print("\nfalse hits:", *total.false_hits, sep="\n  ")
    return 0


if __name__ == "__main__":
    sys.exit(main())

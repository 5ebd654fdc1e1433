"""Scoring the noisy set (recall) and clean text (false alarms); shared by the tests and
``benchmarks/noisy_eval.py``."""

from __future__ import annotations

import ast
import json
import re
import sysconfig
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from termnorm import Annotation, Glossary, annotate_text
from termnorm.fuzzy import fuzzy_matches

CASES = Path(__file__).resolve().parent / "cases.jsonl"
_WORD_RE = re.compile(r"[^\W\d_]+")


def load_cases(path: Path = CASES) -> list[dict[str, object]]:
    """The labelled cases written by ``make_noisy.py``."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@dataclass
class Recall:
    """How many positive cases were found, per kind; which negative cases raised an alarm."""

    found: Counter[str] = field(default_factory=Counter)
    total: Counter[str] = field(default_factory=Counter)
    misses: list[dict[str, object]] = field(default_factory=list)
    alarms: list[dict[str, object]] = field(default_factory=list)
    negatives: int = 0

    @property
    def recall(self) -> float:
        return sum(self.found.values()) / max(1, sum(self.total.values()))

    def family(self, prefix: str) -> float:
        """Recall over the kinds starting with ``prefix`` (``typo``, ``arabic`` …)."""
        keys = [k for k in self.total if k.split(":")[0] == prefix]
        return sum(self.found[k] for k in keys) / max(1, sum(self.total[k] for k in keys))


def score_cases(glossary: Glossary, cases: Iterable[dict[str, object]]) -> Recall:
    """Positive case: the expected entry annotated at exactly the expected span. Negative case
    (a typo that is a real word, an ordinary English typo): no fuzzy annotation over it."""
    out = Recall()
    for case in cases:
        kind = str(case["kind"])
        annotations = annotate_text(str(case["input"]), glossary)
        exp = case["expected"]
        if exp is None:
            out.negatives += 1
            span = case["span"]
            assert isinstance(span, list)
            if any(a.match == "fuzzy" and a.start < span[1] and span[0] < a.end for a in annotations):
                out.alarms.append(case)
            continue
        assert isinstance(exp, dict)
        out.total[kind] += 1
        hit = any(_hits(a, exp) for a in annotations)
        if hit:
            out.found[kind] += 1
        else:
            out.misses.append(case)
    return out


def _hits(a: Annotation, exp: dict[str, object]) -> bool:
    """The expected entry at exactly the expected span (or, for ``cover``, a span around it)."""
    start, end = int(str(exp["start"])), int(str(exp["end"]))
    entries = exp.get("entries") or [exp["entry"]]
    assert isinstance(entries, list)
    if not any(e in (a.entry, *a.candidates) for e in entries):
        return False
    return (a.start <= start and end <= a.end) if exp.get("cover") else (a.start, a.end) == (start, end)


@dataclass
class Alarms:
    """Fuzzy matches in text that holds no misspelled domain term: every one is false."""

    words: int = 0
    hits: Counter[tuple[str, str]] = field(default_factory=Counter)

    @property
    def per_10k(self) -> float:
        return 10_000 * sum(self.hits.values()) / max(1, self.words)


def false_alarms(glossary: Glossary, texts: Iterable[str]) -> Alarms:
    """Every fuzzy match in ``texts`` (as ``(text, meant)`` pairs) per 10,000 words."""
    out = Alarms()
    for text in texts:
        out.words += len(_WORD_RE.findall(text))
        for m in fuzzy_matches(text, glossary.matcher.fold(text), glossary, []):
            out.hits[(text[m.start : m.end], getattr(m, "corrected", ""))] += 1
    return out


def stdlib_docstrings(limit_words: int | None = None) -> Iterator[str]:
    """English prose that ships with every Python: the language reference topics of ``pydoc``
    and the docstrings of the standard library's modules, in a fixed order."""
    from pydoc_data.topics import topics

    words = 0
    for key in sorted(topics):
        words += len(_WORD_RE.findall(topics[key]))
        yield topics[key]
    root = Path(sysconfig.get_paths()["stdlib"])
    for path in sorted(root.glob("*.py")):
        if limit_words is not None and words >= limit_words:
            return
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except (SyntaxError, UnicodeDecodeError, OSError):
            continue
        docs = [ast.get_docstring(n) for n in ast.walk(tree) if isinstance(n, ast.Module | ast.ClassDef | ast.FunctionDef)]
        text = "\n\n".join(d for d in docs if d)
        words += len(_WORD_RE.findall(text))
        yield text

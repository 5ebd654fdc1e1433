"""Recall on the noisy set and false fuzzy alarms on clean English text.

Recall: ``tests/noisy/cases.jsonl`` (built by ``tests/noisy/make_noisy.py`` from the glossary),
per kind of noise. False alarms: every fuzzy match in text that holds no misspelled domain
term, per 10,000 words, on

* ``stdlib``: the ``pydoc`` language-reference topics and the standard library's docstrings
  (ship with every Python);
* ``python-docs``: the reStructuredText sources of the Python documentation, from Debian's
  ``python3.11-doc`` package (``apt-get install python3.11-doc``), 1.4 M words;
* ``fortunes``: Debian's ``fortunes`` package, quotations and prose full of names.

Sources that are not installed are skipped. Targets: recall >= 95 %, <= 1 false fuzzy hit per
10,000 clean words.

    python benchmarks/noisy_eval.py [--show 20]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "noisy"))

from evaluate import false_alarms, load_cases, score_cases, stdlib_docstrings  # noqa: E402

from termnorm import load_glossary  # noqa: E402


def _files(pattern: str, root: Path) -> Iterator[str]:
    for path in sorted(root.glob(pattern)):
        if path.is_file():
            try:
                yield path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                continue


def clean_sources() -> dict[str, Iterator[str] | None]:
    docs = sorted(Path("/usr/share/doc").glob("python3*/html/_sources"))
    fortunes = Path("/usr/share/games/fortunes")
    return {
        "stdlib": stdlib_docstrings(),
        "python-docs": _files("**/*.txt", docs[-1]) if docs else None,
        "fortunes": _files("[a-z]*[a-z]", fortunes) if fortunes.is_dir() else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", type=int, default=10, help="misses and false alarms to list")
    parser.add_argument("--glossary", type=Path, default=None, help="glossary folder (default: the shipped one)")
    args = parser.parse_args()
    glossary = load_glossary(args.glossary)
    report = score_cases(glossary, load_cases())
    total = sum(report.total.values())
    print(f"noisy set: {total} positive cases, recall {100 * report.recall:.2f} % (target >= 95 %)")
    for kind in sorted(report.total):
        print(
            f"  {kind:22} {report.found[kind]:5} / {report.total[kind]:<5} {100 * report.found[kind] / report.total[kind]:6.1f} %"
        )
    print(f"  negatives (real words, ordinary typos): {report.negatives}, fuzzy alarms on them: {len(report.alarms)}")
    for case in report.misses[: args.show]:
        print(f"  missed [{case['kind']}] {case['input']!r}")
    words = hits = 0
    for name, texts in clean_sources().items():
        if texts is None:
            print(f"clean text {name}: not installed, skipped")
            continue
        alarms = false_alarms(glossary, texts)
        words += alarms.words
        hits += sum(alarms.hits.values())
        print(
            f"clean text {name}: {alarms.words} words, {sum(alarms.hits.values())} false fuzzy hits, {alarms.per_10k:.3f} per 10,000 words"
        )
        for (surface, meant), n in alarms.hits.most_common(args.show):
            print(f"    {n} x {surface!r} read as {meant!r}")
    if words:
        print(
            f"all clean text: {words} words, {hits} false fuzzy hits, {10_000 * hits / words:.3f} per 10,000 words (target <= 1)"
        )


if __name__ == "__main__":
    main()

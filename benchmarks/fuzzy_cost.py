"""What fuzzy matching adds to ``annotate``: the same corpus annotated with and without it.

The corpus is built from the seed articles: their paragraphs shuffled (with a fixed seed) into
documents of 2-16 kB until it reaches ``--size-mb`` (20 MB by default). A few paragraphs get a
misspelled domain term, so the fuzzy layer has something to find. Each mode is timed with
``time.perf_counter`` over the whole corpus, in one process, after a warm-up document; the
fuzzy layer's per-token cache is emptied before each timed run, so its cost includes the first
reading of every distinct token. Whole runs on a shared machine drift by more than the fuzzy
layer costs, so the modes alternate and the layer is also timed alone.

    python benchmarks/fuzzy_cost.py                 # 20 MB, the issue's budget is +30 %
    python benchmarks/fuzzy_cost.py --size-mb 2     # a quick look
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

from termnorm import Glossary, annotate_document, load_glossary
from termnorm.fuzzy import fuzzy_matches
from termnorm.typo_index import fuzzy_index

ROOT = Path(__file__).resolve().parents[1]
SEED_DIRS = (ROOT / "seeds", ROOT.parent / "shared" / "seeds", ROOT / "tests" / "seeds")
TYPOS = ("Uighyur", "Xianjing", "Ilham Tohtti", "Urumchii", "detentoin camps", "Shohrat Zakr")


def seed_paragraphs() -> list[str]:
    """Every non-empty paragraph of the seed articles."""
    for folder in SEED_DIRS:
        files = sorted(folder.glob("*.txt")) if folder.is_dir() else []
        if files:
            return [p.strip() for f in files for p in f.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    sys.exit("no seed articles found (looked in: " + ", ".join(str(d) for d in SEED_DIRS) + ")")


def build_corpus(size: int, seed: int = 20240601) -> list[str]:
    """Documents of shuffled seed paragraphs, ``size`` characters in all."""
    rng = random.Random(seed)
    paragraphs = seed_paragraphs()
    docs: list[str] = []
    total = 0
    while total < size:
        target = rng.randint(2_000, 16_000)
        parts: list[str] = []
        length = 0
        while length < target:
            p = rng.choice(paragraphs)
            if rng.random() < 0.05:
                p = f"{p} {rng.choice(TYPOS)} was mentioned."
            parts.append(p)
            length += len(p) + 2
        doc = "\n\n".join(parts)
        docs.append(doc)
        total += len(doc)
    return docs


def run(docs: list[str], glossary: Glossary, *, fuzzy: bool) -> tuple[float, int]:
    """Seconds to annotate every document, and the number of fuzzy annotations."""
    found = 0
    start = time.perf_counter()
    for doc in docs:
        result = annotate_document(doc, glossary, fuzzy=fuzzy)
        found += result.summary["fuzzy"]
    return time.perf_counter() - start, found


def fuzzy_layer(docs: list[str], glossary: Glossary) -> float:
    """Seconds spent in the fuzzy layer alone (folding and exact matching done beforehand)."""
    fuzzy_index(glossary).clear()
    prepared = [(doc, glossary.matcher.fold(doc)) for doc in docs]
    prepared = [(doc, folded, glossary.matcher.find(doc, folded)) for doc, folded in prepared]
    start = time.perf_counter()
    for doc, folded, exact in prepared:
        fuzzy_matches(doc, folded, glossary, exact)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=float, default=20.0)
    parser.add_argument("--glossary", type=Path, default=None, help="glossary folder (default: the shipped one)")
    parser.add_argument("--rounds", type=int, default=2, help="timed rounds per mode, alternating (the fastest counts)")
    args = parser.parse_args()
    docs = build_corpus(int(args.size_mb * 1_000_000))
    glossary = load_glossary(args.glossary)
    for doc in docs[:20]:  # warm-up: compiled glossary, word list, folding tables
        annotate_document(doc, glossary, fuzzy=False)
        annotate_document(doc, glossary)
    plain: list[float] = []
    timings: list[tuple[float, int]] = []
    for _ in range(args.rounds):  # alternate, so that the machine's drift hits both modes alike
        plain.append(run(docs, glossary, fuzzy=False)[0])
        fuzzy_index(glossary).clear()
        timings.append(run(docs, glossary, fuzzy=True))
    base = min(plain)
    with_fuzzy, found = min(timings)
    layer = fuzzy_layer(docs, glossary)
    chars = sum(map(len, docs))
    print(f"corpus: {len(docs)} documents, {chars / 1e6:.1f} M characters")
    print(f"annotate without fuzzy: {base:.2f} s ({chars / base / 1e6:.2f} M chars/s)")
    print(f"annotate with fuzzy:    {with_fuzzy:.2f} s ({found} fuzzy annotations)")
    print(f"fuzzy overhead, whole runs: {100 * (with_fuzzy - base) / base:+.1f} % (budget: +30 %)")
    print(f"fuzzy layer alone: {layer:.2f} s = {100 * layer / base:.1f} % of annotate without fuzzy")


if __name__ == "__main__":
    main()

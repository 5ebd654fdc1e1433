"""termnorm against the tools a user would pick instead, on one corpus, in one run.

    python benchmarks/run.py            # full run: 20 MB corpus, start-up, growth (several minutes)
    python benchmarks/run.py --quick    # small corpus, few repeats (what CI runs)
    python benchmarks/run.py --check    # compare the last results with the targets; exit 1 if one is missed
    python benchmarks/run.py --show     # print the last results' tables again

Prints Markdown tables (throughput, matches and disagreements, correctness cases, start-up,
growth) and writes every figure to ``benchmarks/results/<quick|full>.json``. See README.md.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import platform
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import growth  # noqa: E402
import peers  # noqa: E402
import startup  # noqa: E402
from report import check, render  # noqa: E402

import cases  # noqa: E402
import corpus  # noqa: E402

RESULTS = HERE / "results"


def machine() -> dict[str, str]:
    """What the figures were measured on."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    import os

    versions = {}
    for name in ("termnorm", "pyahocorasick", "flashtext", "flashtext2", "spacy", "numpy"):
        try:
            from importlib.metadata import version

            versions[name] = version(name)
        except Exception:  # noqa: BLE001 - a missing package just has no version
            versions[name] = "not installed"
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "memory": memory,
        "os": platform.platform(),
        "python": platform.python_version(),
        "versions": ", ".join(f"{k} {v}" for k, v in versions.items()),
    }


def _timed(tool: peers.Tool, state: Any, docs: list[str], budget: float) -> tuple[float, Any]:
    """Best wall time of ``tool`` over all documents: repeated while the runs are short."""
    best = float("inf")
    out: Any = None
    spent = 0.0
    runs = 0
    while runs < 5 and (runs == 0 or spent + best < budget):
        out = None
        gc.collect()
        start = time.perf_counter()
        out = tool.run(state, docs)
        elapsed = time.perf_counter() - start
        best = min(best, elapsed)
        spent += elapsed
        runs += 1
    return best, out


def throughput(docs: list[str], glossary: Any, forms: list[str], budget: float) -> dict[str, Any]:
    """Time every installed tool over the documents; keep counts and spans to compare."""
    size = sum(len(d.encode("utf-8")) for d in docs)
    rows: dict[str, Any] = {}
    spans: dict[str, Any] = {}
    for name, factory, module in peers.all_tools(glossary):
        if module and importlib.util.find_spec(module) is None:
            rows[name] = {"skipped": f"{module} is not installed (pip install -e '.[bench]')"}
            print(f"note: {name} skipped: {module} is not installed", file=sys.stderr)
            continue
        tool = factory()
        start = time.perf_counter()
        state = tool.build(forms)
        build_s = time.perf_counter() - start
        tool.run(state, docs[:20])  # warm-up: imports and lazy tables
        seconds, out = _timed(tool, state, docs, budget)
        rows[name] = {
            "mb_s": size / 1e6 / seconds,
            "seconds": seconds,
            "build_s": build_s,
            "matches": tool.count(out),
            "note": tool.note,
        }
        spans[name] = tool.spans(out)
        del out
        print(f"  {name}: {rows[name]['mb_s']:.1f} MB/s, {rows[name]['matches']} matches", file=sys.stderr)
    base = rows["termnorm"]["mb_s"]
    for row in rows.values():
        if "mb_s" in row:
            row["termnorm_ratio"] = base / row["mb_s"]
    return {"mb": size / 1e6, "documents": len(docs), "tools": rows, "disagreements": disagreements(docs, spans)}


def disagreements(docs: list[str], spans: dict[str, Any], examples: int = 3) -> dict[str, Any]:
    """Where each tool's spans differ from termnorm's: counts and a few examples in context."""
    ours = spans.get("termnorm")
    out: dict[str, Any] = {}
    if ours is None:
        return out
    for name, theirs in spans.items():
        if name == "termnorm" or theirs is None:
            continue
        only_ours = only_theirs = 0
        shown: dict[str, list[str]] = {"termnorm only": [], f"{name} only": []}
        for text, a, b in zip(docs, ours, theirs, strict=True):
            sa, sb = set(a), set(b)
            for label, diff in (("termnorm only", sa - sb), (f"{name} only", sb - sa)):
                if label == "termnorm only":
                    only_ours += len(diff)
                else:
                    only_theirs += len(diff)
                for s, e in sorted(diff)[: examples - len(shown[label])]:
                    shown[label].append(_context(text, s, e))
        out[name] = {"termnorm_only": only_ours, "tool_only": only_theirs, "examples": shown}
    return out


def _context(text: str, start: int, end: int, width: int = 25) -> str:
    left = text[max(0, start - width) : start]
    right = text[end : end + width]
    snippet = f"{left}[{text[start:end]}]{right}"
    return " ".join(snippet.split())


def correctness(glossary: Any, forms: list[str]) -> dict[str, Any]:
    """Each correctness case through each installed tool."""
    table: dict[str, dict[str, str]] = {}
    chosen = cases.applicable(forms)
    for name, factory, module in peers.all_tools(glossary):
        if module and importlib.util.find_spec(module) is None:
            continue
        tool = factory()
        state = tool.build(forms)
        for case in chosen:
            out = tool.run(state, [case.text])
            found = tool.spans(out)
            table.setdefault(case.label, {})[name] = cases.verdict(case, None if found is None else found[0], tool.count(out))
    missing = [c.label for c in cases.CASES if c not in chosen]
    return {"cases": table, "not_in_glossary": missing}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small corpus and few repeats (for CI)")
    parser.add_argument("--check", nargs="?", const="", metavar="RESULTS", help="check the targets against a results file")
    parser.add_argument("--glossary", help="glossary folder (default: the shipped one)")
    parser.add_argument("--size", type=float, help="corpus size in MB (default 20, quick 0.5)")
    parser.add_argument("--no-startup", action="store_true", help="skip the start-up timings")
    parser.add_argument("--no-growth", action="store_true", help="skip the growth measurements")
    parser.add_argument("--out", help="results file (default benchmarks/results/<quick|full>.json)")
    parser.add_argument("--show", nargs="?", const="", metavar="RESULTS", help="print the tables of a results file again")
    args = parser.parse_args(argv)
    if args.check is not None:
        path = Path(args.check) if args.check else RESULTS / "full.json"
        return check(json.loads(path.read_text(encoding="utf-8")))
    if args.show is not None:
        path = Path(args.show) if args.show else RESULTS / "full.json"
        print(render(json.loads(path.read_text(encoding="utf-8"))))
        return 0

    from termnorm import load_glossary
    from termnorm.glossary import default_glossary_path

    glossary_path = args.glossary or str(default_glossary_path())
    shown_path = args.glossary or "the shipped glossary"
    glossary = load_glossary(glossary_path)
    forms = sorted({t.form for t in glossary.terms})
    size = args.size or (0.5 if args.quick else 20.0)
    docs, corpus_info = corpus.corpus(forms, size)
    texts = [d.text for d in docs]
    results: dict[str, Any] = {
        "mode": "quick" if args.quick else "full",
        "machine": machine(),
        "glossary": {
            "path": shown_path,
            "entries": len(glossary.entries),
            "forms": len(forms),
            "keys": len(glossary.matcher.keys),
        },
        "corpus": corpus_info | {"kinds": _kinds(docs)},
    }
    print(f"corpus: {size:g} MB, {len(docs)} documents; timing tools…", file=sys.stderr)
    results["throughput"] = throughput(texts, glossary, forms, budget=5.0 if args.quick else 30.0)
    results["correctness"] = correctness(glossary, forms)
    if not args.no_startup:
        print("start-up…", file=sys.stderr)
        results["startup"] = startup.measure(3 if args.quick else 9, args.glossary)
        results["imports"] = startup.import_times()
    if not args.no_growth:
        print("growth…", file=sys.stderr)
        corpus_path = str(corpus.REPO / corpus_info["path"])
        sizes = (0.1, 1.0) if args.quick else (1.0, 10.0, 100.0)
        results["growth"] = {
            "input": growth.input_curve(corpus_path, glossary_path, sizes),
            "glossary": growth.glossary_scaling(
                corpus_path, glossary_path, 2_000 if args.quick else 100_000, 0.2 if args.quick else 5.0
            ),
        }
    out = Path(args.out) if args.out else RESULTS / f"{results['mode']}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(render(results))
    print(f"\nresults written to {out}", file=sys.stderr)
    return 0


def _kinds(docs: list[corpus.Document]) -> dict[str, float]:
    kinds: dict[str, float] = {}
    for d in docs:
        kinds[d.kind] = kinds.get(d.kind, 0) + len(d.text.encode("utf-8")) / 1e6
    return {k: round(v, 2) for k, v in kinds.items()}


if __name__ == "__main__":
    sys.exit(main())

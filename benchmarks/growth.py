"""How cost grows: one input from 1 MB to 100 MB, and 100,000 synthetic forms added to the glossary.

Each measurement runs in a child process of its own (``python benchmarks/growth.py --child``)
so that its peak memory (``resource.getrusage``) is its own.
"""

from __future__ import annotations

import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

# Syllables for made-up forms: no English plural or British/American ending can turn one form
# into another (no final s, y, -our, -ise, -re).
_SYLLABLES = (
    "ka",
    "lu",
    "mi",
    "to",
    "ga",
    "shi",
    "ran",
    "bek",
    "dun",
    "pa",
    "yo",
    "zhi",
    "qin",
    "mu",
    "tal",
    "nur",
    "jan",
    "ki",
    "ho",
    "ba",
)
FILE_ENTRIES = 1000  # entries (5,000 forms) per file, as a large glossary is kept in files by topic
_HAN = "安北城达东方工光国海和华江金京康兰乐林龙明南宁平清庆山胜石顺泰天通文西祥新兴阳永远云长正中州"
_CYRILLIC = "абвгдежзиклмнопртуфхчшэюя"


def synthetic_glossary(folder: Path, forms: int, seed: int = 7, avoid: frozenset[str] = frozenset()) -> int:
    """Write ``forms`` made-up forms (5 per entry, in files of 5,000) into ``folder``, an extra glossary."""
    rng = random.Random(seed)
    seen: set[str] = set(avoid)  # the shipped glossary's forms (casefolded): no form is claimed twice

    def fresh(make: Any) -> str:
        while True:
            form = make()
            if form.casefold() not in seen:
                seen.add(form.casefold())
                return str(form)

    def latin() -> str:
        words = [("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(3, 4)))) for _ in range(rng.choice((1, 1, 2, 2, 3)))]
        return " ".join(w.capitalize() if rng.random() < 0.5 else w for w in words)

    def han() -> str:
        return "".join(rng.choice(_HAN) for _ in range(rng.randint(3, 6)))

    def cyrillic() -> str:
        return "".join(rng.choice(_CYRILLIC) for _ in range(rng.randint(6, 10)))

    lines: list[str] = []
    written = 0
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(forms // 5):
        if i % FILE_ENTRIES == 0 and lines:
            (folder / f"synthetic-{i // FILE_ENTRIES:03d}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
            lines = []
        lines += [
            f"- id: synthetic-{i}",
            f"  label: Synthetic {i}",
            "  category: phrase",
            "  definition: A made-up entry for measuring how termnorm scales.",
            "  sources: [https://example.org/synthetic]",
            "  terms:",
        ]
        for j in range(5):
            kind = rng.random()
            if j == 0 or kind < 0.75:  # every entry needs an English form
                form, lang = fresh(latin), "en"
            elif kind < 0.9:
                form, lang = fresh(han), "zh-Hans"
            else:
                form, lang = fresh(cyrillic), "ru"
            lines += [
                f"    - form: {json.dumps(form, ensure_ascii=False)}",
                f"      lang: {lang}",
                f"      type: {'preferred' if j == 0 else 'spelling'}",
            ]
            written += 1
    (folder / "synthetic-last.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return written


def _read_docs(path: str, size_mb: float) -> list[str]:
    docs = [json.loads(line)["text"] for line in Path(path).read_text(encoding="utf-8").splitlines()]
    out: list[str] = []
    total = 0
    i = 0
    while total < size_mb * 1e6:
        text = docs[i % len(docs)]
        out.append(text)
        total += len(text.encode("utf-8"))
        i += 1
    return out


def _child(args: dict[str, Any]) -> dict[str, Any]:
    """One measurement (run in its own process)."""
    from termnorm import annotate_text, load_glossary

    result: dict[str, Any] = {}
    start = time.perf_counter()
    glossary = load_glossary(args["glossary"], args.get("extra", ()), cache=False)
    result["load_s"] = time.perf_counter() - start
    result["keys"] = len(glossary.matcher.keys)
    result["forms"] = len(glossary.terms)
    docs = _read_docs(args["corpus"], args["size_mb"])
    if args["single"]:
        docs = ["".join(docs)]
    size = sum(len(d.encode("utf-8")) for d in docs)
    annotate_text(docs[0][:20000], glossary, fuzzy=False)  # warm-up: lazy tables
    best = float("inf")
    for _ in range(args["repeats"]):
        start = time.perf_counter()
        found = sum(len(annotate_text(d, glossary, fuzzy=False)) for d in docs)
        best = min(best, time.perf_counter() - start)
    result.update(mb=size / 1e6, seconds=best, mb_s=size / 1e6 / best, annotations=found)
    result["peak_mb"] = _peak_mb()
    return result


def _peak_mb() -> float:
    """This process's peak resident memory in MB.

    /proc's VmHWM where there is one: getrusage's ru_maxrss would also count the parent's peak,
    which Linux carries over fork and exec.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _spawn(**args: Any) -> dict[str, Any]:
    done = subprocess.run([sys.executable, __file__, "--child", json.dumps(args)], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"growth measurement failed: {done.stderr.strip()[-800:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def input_curve(corpus_path: str, glossary: str, sizes: Sequence[float], repeats: int = 3) -> list[dict[str, Any]]:
    """Throughput of one input text of each size (in MB): the best of ``repeats`` runs at every size.

    The first run of a process also fills the annotation memo (about 15 ms whatever the size), so
    every size gets the same number of runs.
    """
    return [_spawn(glossary=glossary, corpus=corpus_path, size_mb=s, single=True, repeats=repeats) for s in sizes]


def glossary_scaling(corpus_path: str, glossary: str, forms: int, size_mb: float) -> dict[str, Any]:
    """Compile time, throughput and peak memory: the shipped glossary alone, and with ``forms`` synthetic forms on top."""
    with tempfile.TemporaryDirectory(prefix="termnorm-synthetic-") as tmp:
        folder = Path(tmp) / "glossary"
        from termnorm import load_glossary

        shipped = frozenset(t.form.casefold() for t in load_glossary(glossary).terms)
        written = synthetic_glossary(folder, forms, avoid=shipped)
        big = _spawn(glossary=glossary, extra=[str(folder)], corpus=corpus_path, size_mb=size_mb, single=False, repeats=2)
    real = _spawn(glossary=glossary, corpus=corpus_path, size_mb=size_mb, single=False, repeats=2)
    return {"synthetic_forms": written, "real": real, "synthetic": big}


if __name__ == "__main__" and len(sys.argv) == 3 and sys.argv[1] == "--child":
    print(json.dumps(_child(json.loads(sys.argv[2]))))

"""Throughput and memory of ``termnorm batch`` on a generated news corpus.

The corpus is made reproducibly from the real articles in ``seeds/``: each document is a headline
and a random run of seed paragraphs (fixed random seed), with the spelling of the ethnonym varied
the way the press varies it. It is written as JSON Lines into ``benchmarks/data/`` (not committed).

Each measurement runs ``python -m termnorm batch CORPUS --out OUT --jobs N`` as a whole process:
wall time (time.perf_counter), documents/s and MB/s of input, and peak resident memory: of the
largest single process (main or worker; exact, from os.wait4's resource usage) and of main
process and workers together (sampled from /proc every 50 ms; Linux).

    python benchmarks/batch_bench.py            # 50 MB and 200 MB corpora, 1 and 2 workers
    python benchmarks/batch_bench.py --quick    # 2 MB and 8 MB: a smoke run for CI
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "data"
RESULTS = ROOT / "benchmarks" / "results"
GENERATOR = 1  # bump when the corpus recipe changes
SPELLINGS = ("Uyghur", "Uighur", "Uygur", "Uyghur", "Uyghur")
OUTLETS = ("wire", "broadsheet", "state-media", "ngo", "blog")


def paragraphs() -> list[str]:
    paras = []
    for seed in sorted((ROOT / "seeds").glob("*.txt")):
        paras += [p.strip() for p in seed.read_text(encoding="utf-8").split("\n\n") if len(p.strip()) > 40]
    return paras


def make_corpus(path: Path, megabytes: int) -> Path:
    """A JSON Lines corpus of about ``megabytes`` MB (always the same bytes for the same size)."""
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = random.Random(f"termnorm-batch-bench-{GENERATOR}")
    paras = paragraphs()
    target = megabytes * 1_000_000
    tmp = path.with_suffix(".tmp")
    size = 0
    with tmp.open("w", encoding="utf-8") as fh:
        i = 0
        while size < target:
            body = rng.sample(paras, rng.randint(3, min(25, len(paras))))
            spelling = rng.choice(SPELLINGS)
            text = "\n\n".join([body[0][:120], *body[1:]]).replace("Uyghur", spelling).replace("Uighur", spelling)
            line = json.dumps({"id": f"bench-{i:07}", "outlet": rng.choice(OUTLETS), "text": text}, ensure_ascii=False) + "\n"
            fh.write(line)
            size += len(line.encode("utf-8"))
            i += 1
    tmp.replace(path)
    return path


def tree_rss(pid: int) -> tuple[int, int]:
    """(largest single process, sum over the process and its descendants) resident memory in bytes."""
    pids, sizes = [pid], []
    while pids:
        p = pids.pop()
        try:
            with open(f"/proc/{p}/status") as fh:
                rss = next((int(line.split()[1]) * 1024 for line in fh if line.startswith("VmRSS:")), 0)
            sizes.append(rss)
            with open(f"/proc/{p}/task/{p}/children") as fh:
                pids += [int(c) for c in fh.read().split()]
        except (OSError, ValueError):
            continue
    return (max(sizes) if sizes else 0), sum(sizes)


def measure(corpus: Path, jobs: int, extra: list[str]) -> dict[str, float]:
    """One whole-process run: wall time, and peak memory (exact per process from the kernel's
    accounting of the finished run; summed over main process and workers by sampling /proc)."""
    out = DATA / f"out-{corpus.stem}-j{jobs}"
    shutil.rmtree(out, ignore_errors=True)
    cmd = [sys.executable, "-m", "termnorm", "batch", str(corpus), "--out", str(out), "--jobs", str(jobs), "--no-progress"]
    total_peak = 0
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        proc = subprocess.Popen([*cmd, *extra], stdout=subprocess.DEVNULL, stderr=errors)
        done = threading.Event()

        def sample() -> None:
            nonlocal total_peak
            while not done.wait(0.05):
                total_peak = max(total_peak, tree_rss(proc.pid)[1])

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)  # its rusage covers the workers it waited for
        wall = time.perf_counter() - start
        done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            errors.seek(0)
            raise SystemExit(f"termnorm batch failed ({proc.returncode}): {errors.read().decode(errors='replace')}")
    documents = json.loads((out / "summary.json").read_text(encoding="utf-8"))["corpus"]["documents"]
    mb = corpus.stat().st_size / 1e6
    shutil.rmtree(out, ignore_errors=True)
    return {
        "corpus_mb": round(mb, 1), "documents": documents, "jobs": jobs, "seconds": round(wall, 2),
        "docs_per_s": round(documents / wall, 1), "mb_per_s": round(mb / wall, 2),
        "peak_rss_process_mb": round(usage.ru_maxrss * 1024 / 1e6, 1), "peak_rss_total_mb": round(total_peak / 1e6, 1),
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small corpora (2 and 8 MB), for CI")
    parser.add_argument("--sizes", default=None, help="corpus sizes in MB, comma-separated (default 50,200)")
    parser.add_argument("--jobs", default="1,2", help="worker counts, comma-separated")
    parser.add_argument("--glossary", default=None, help="glossary folder to use instead of the bundled one")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in (args.sizes or ("2,8" if args.quick else "50,200")).split(",")]
    extra = ["--glossary", args.glossary] if args.glossary else []
    rows = []
    for mb in sizes:
        corpus = make_corpus(DATA / f"corpus-{mb}mb-v{GENERATOR}.jsonl", mb)
        for jobs in (int(j) for j in args.jobs.split(",")):
            row = {"size": mb, **measure(corpus, jobs, extra)}
            rows.append(row)
            print(
                f"{row['corpus_mb']:>7} MB {row['documents']:>8} docs  jobs={jobs}  {row['seconds']:>7} s  "
                f"{row['docs_per_s']:>8} docs/s  {row['mb_per_s']:>6} MB/s  peak RSS: largest process "
                f"{row['peak_rss_process_mb']} MB, all processes {row['peak_rss_total_mb']} MB",
                flush=True,
            )
    for mb in sizes:
        runs = {r["jobs"]: r for r in rows if r["size"] == mb}
        if 1 in runs and 2 in runs:
            print(f"{mb} MB: 2 workers are {runs[1]['seconds'] / runs[2]['seconds']:.2f}x as fast as 1 (target 1.7x)")
    for jobs in sorted({r["jobs"] for r in rows}):
        peaks = [
            f"{r['peak_rss_process_mb']} MB (all {r['peak_rss_total_mb']} MB) at {r['corpus_mb']} MB of input"
            for r in rows
            if r["jobs"] == jobs
        ]
        print(f"jobs={jobs}: peak RSS of the largest process " + ", ".join(peaks))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / ("batch-quick.json" if args.quick else "batch.json")).write_text(json.dumps(rows, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    raise SystemExit(main())

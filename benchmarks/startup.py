"""Whole-process start-up times of the command line, cold and warm compiled-glossary cache.

Each command runs as a fresh process (``subprocess``), timed with ``time.perf_counter`` from
start to exit; the median of several runs is reported. "Cold" runs get an empty cache folder
each time (``TERMNORM_CACHE_DIR``), so the glossary is read from YAML and compiled; "warm" runs
share a folder that the first run filled.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def termnorm_command() -> list[str]:
    """The ``termnorm`` console script of this interpreter's environment (or ``python -m termnorm``)."""
    script = Path(sys.executable).with_name("termnorm")
    if script.is_file():
        return [str(script)]
    found = shutil.which("termnorm")
    return [found] if found else [sys.executable, "-m", "termnorm"]


def _time(argv: list[str], stdin: str | None, env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, input=stdin, capture_output=True, text=True, env=env, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed: {done.stderr.strip()[-500:]}")
    return elapsed


def measure(runs: int, glossary: str | None = None) -> dict[str, Any]:
    """Median seconds of the start-up commands, with every run's figure."""
    base = termnorm_command()
    extra = ["--glossary", glossary] if glossary else []
    commands = {
        'echo "Uighur" | termnorm normalize - (warm cache)': (["normalize", "-", *extra], "Uighur\n", "warm"),
        'echo "Uighur" | termnorm normalize - (cold cache)': (["normalize", "-", *extra], "Uighur\n", "cold"),
        "termnorm lookup uyghur (warm cache)": (["lookup", "uyghur", *extra], None, "warm"),
        "termnorm --help": (["--help"], None, "warm"),
    }
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="termnorm-bench-") as tmp:
        warm_dir = Path(tmp) / "warm"
        env = {**os.environ, "TERMNORM_CACHE_DIR": str(warm_dir)}
        _time([*base, "lookup", "uyghur", *extra], None, env)  # fills the warm cache
        for label, (args, stdin, kind) in commands.items():
            times = []
            for i in range(runs):
                if kind == "cold":
                    cold = Path(tmp) / f"cold-{label[:8]}-{i}"
                    run_env = {**os.environ, "TERMNORM_CACHE_DIR": str(cold)}
                else:
                    run_env = env
                times.append(_time(base + args, stdin, run_env))
            out[label] = {"median": statistics.median(times), "runs": [round(t, 4) for t in times]}
    return out


def import_times(module: str = "termnorm.cli") -> list[tuple[str, float]]:
    """The slowest imports of ``module`` (cumulative milliseconds), from ``python -X importtime``."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"], capture_output=True, text=True, check=False
    )
    rows = []
    for line in done.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            rows.append((parts[2].rstrip(), int(parts[1]) / 1000))
    top = [(name.strip(), ms) for name, ms in rows if not name.startswith("    ")]
    return sorted(top, key=lambda r: -r[1])[:12]

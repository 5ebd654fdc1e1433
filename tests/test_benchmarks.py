"""The benchmark command runs in its quick mode and prints its tables (its figures are not judged here).

Speed is measured by ``benchmarks/run.py``, never by a timed test: this only checks that the
command works on a fresh machine, where the peer tools may be missing (they are skipped with a
note) and the targets are read from its results file by ``--check``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
RUN = REPO / "benchmarks" / "run.py"


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    out = tmp_path_factory.mktemp("bench") / "quick.json"
    env_cache = tmp_path_factory.mktemp("bench-cache")
    done = subprocess.run(
        [sys.executable, str(RUN), "--quick", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=REPO,
        env={**_environ(), "TERMNORM_CACHE_DIR": str(env_cache)},
    )
    return done, out


def _environ() -> dict[str, str]:
    import os

    return dict(os.environ)


def test_quick_run_prints_every_table(quick_run: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    done, _ = quick_run
    assert done.returncode == 0, done.stderr[-2000:]
    for heading in (
        "### Throughput (same corpus, same glossary forms)",
        "### Where the tools disagree with termnorm",
        "### Correctness cases",
        "### Start-up (whole process, median seconds)",
        "### Growth: one input of each size",
        "### Growth: glossary size",
    ):
        assert heading in done.stdout, heading
    assert "| termnorm |" in done.stdout
    assert "- machine:" in done.stdout


def test_missing_peers_are_skipped_with_a_note(quick_run: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    done, out = quick_run
    results = json.loads(out.read_text(encoding="utf-8"))
    tools = results["throughput"]["tools"]
    assert tools["termnorm"]["mb_s"] > 0
    assert tools["raw pyahocorasick count"]["matches"] > 0
    for name in ("FlashText", "flashtext2", "spaCy PhraseMatcher"):
        if "skipped" in tools[name]:
            assert f"{name} skipped" in done.stderr
        else:
            assert tools[name]["termnorm_ratio"] > 0


def test_termnorm_passes_every_correctness_case(quick_run: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    _, out = quick_run
    cases = json.loads(out.read_text(encoding="utf-8"))["correctness"]["cases"]
    assert cases
    assert {label: row["termnorm"] for label, row in cases.items()} == dict.fromkeys(cases, "ok")


def test_check_reads_the_results_and_reports_each_target(quick_run: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    _, out = quick_run
    done = subprocess.run([sys.executable, str(RUN), "--check", str(out)], capture_output=True, text=True, timeout=60, cwd=REPO)
    assert done.returncode in (0, 1), done.stderr  # 1: a target missed on this machine, which is not a test failure
    assert "termnorm ÷ raw pyahocorasick count" in done.stdout
    assert "lookup uyghur" in done.stdout
    assert "synthetic glossary" in done.stdout

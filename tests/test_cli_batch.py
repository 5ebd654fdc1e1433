"""``termnorm batch`` as a user runs it: outputs, exit codes, standard input, interruption and resume."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from termnorm.cli import app

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
OUTPUTS = ["annotations.csv", "annotations.jsonl", "errors.jsonl", "report.html", "summary.csv", "summary.json"]
runner = CliRunner()
ARTICLES = 1500


def termnorm(*args: str, cwd: Path, **kw: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "termnorm", *args], cwd=cwd, capture_output=True, text=True, timeout=300, **kw)  # type: ignore[call-overload]


def test_batch_on_the_seeds_writes_every_output(tmp_path: Path) -> None:
    shutil.copytree(SEEDS, tmp_path / "seeds")
    done = termnorm("batch", "seeds/", "--out", "out/", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == OUTPUTS
    assert done.stdout == ""
    assert done.stderr.startswith("termnorm: 5 documents: 5 annotated, 0 skipped, 0 failed;")
    assert "\x1b[" not in done.stderr  # no progress bar when standard error is not a terminal
    first = json.loads((tmp_path / "out" / "annotations.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert first["source"] == "seeds/000_c2d80ad78116fbee.txt"


def test_help_explains_the_options_and_exit_codes() -> None:
    result = runner.invoke(app, ["batch", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    for option in ("--out", "--include", "--exclude", "--jsonl", "--text-field", "--id-field", "--jobs", "--resume", "--markup"):
        assert option in result.output
    assert "130 when interrupted" in result.output


def _batch_of(tmp_path: Path, files: dict[str, str]) -> Any:
    """Run ``termnorm batch`` on a folder of ``files`` (name: text), one worker."""
    (tmp_path / "c").mkdir()
    for name, text in files.items():
        (tmp_path / "c" / name).write_text(text, encoding="utf-8")
    return runner.invoke(app, ["batch", str(tmp_path / "c"), "--out", str(tmp_path / "out"), "-j", "1"])


def test_exit_code_1_when_a_document_failed(tmp_path: Path) -> None:
    result = _batch_of(tmp_path, {"ok.txt": "Uighurs", "bad.jsonl": "{not json\n"})
    assert result.exit_code == 1
    assert "1 failed" in result.stderr and "errors.jsonl" in result.stderr


def test_skipped_empty_files_do_not_fail_the_run(tmp_path: Path) -> None:
    result = _batch_of(tmp_path, {"ok.txt": "Uighurs", "empty.txt": ""})
    assert result.exit_code == 0
    assert "1 skipped" in result.stderr


def test_user_errors_are_one_line(tmp_path: Path) -> None:
    result = runner.invoke(app, ["batch", str(tmp_path / "missing"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert result.stderr.startswith("termnorm: error: ") and "no such file or folder" in result.stderr
    assert "Traceback" not in result.stderr
    assert runner.invoke(app, ["batch", str(SEEDS)]).exit_code == 2  # --out is required


def test_standard_input_as_one_document_and_as_json_lines(tmp_path: Path) -> None:
    result = runner.invoke(app, ["batch", "-", "--out", str(tmp_path / "a")], input="Uighurs and Uygurs")
    assert result.exit_code == 0, result.stderr
    [doc] = [json.loads(x) for x in (tmp_path / "a" / "annotations.jsonl").read_text(encoding="utf-8").splitlines()]
    assert doc["source"] == "<stdin>" and [a["entry"] for a in doc["annotations"]] == ["uyghur", "uyghur"]
    lines = "".join(json.dumps({"doc": i, "body": "Uyghurs"}) + "\n" for i in range(3))
    args = ["batch", "-", "--jsonl", "--text-field", "body", "--id-field", "doc", "--out", str(tmp_path / "b")]
    result = runner.invoke(app, args, input=lines)
    assert result.exit_code == 0, result.stderr
    docs = [json.loads(x) for x in (tmp_path / "b" / "annotations.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(d["source"], d["id"]) for d in docs] == [("<stdin>:1", "0"), ("<stdin>:2", "1"), ("<stdin>:3", "2")]


def make_corpus(root: Path, n: int) -> Path:
    root.mkdir()
    seeds = sorted(SEEDS.glob("*.txt"))
    for i in range(n):
        text = seeds[i % len(seeds)].read_text(encoding="utf-8")
        (root / f"{i // 100:02}").mkdir(exist_ok=True)
        (root / f"{i // 100:02}" / f"article-{i:04}.txt").write_text(f"Article {i} on the Uighurs.\n\n{text}", encoding="utf-8")
    return root


def wait_for_progress(out: Path, proc: subprocess.Popen[str], minimum: int) -> int:
    """Documents done at the latest checkpoint, once at least ``minimum`` (or the run ended)."""
    state = out / ".termnorm-batch" / "state.json"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            done = json.loads(state.read_text())["done"]
        except (OSError, ValueError):
            done = 0
        if done >= minimum:
            return int(done)
        time.sleep(0.02)
    raise AssertionError(f"the run ended or stalled before {minimum} documents were checkpointed")


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A corpus of 1,500 articles and the outputs of one uninterrupted run over it (in ``whole/``).

    Large enough that the interruption lands mid-run even when this machine is busy.
    """
    root = tmp_path_factory.mktemp("resume")
    make_corpus(root / "corpus", ARTICLES)
    done = termnorm("batch", "corpus", "--out", "whole", "-j", "1", cwd=root)
    assert done.returncode == 0, done.stderr
    return root


@pytest.mark.parametrize("how", ["SIGKILL", "SIGINT"])
def test_an_interrupted_run_resumes_to_byte_identical_outputs(uninterrupted: Path, tmp_path: Path, how: str) -> None:
    (tmp_path / "corpus").symlink_to(uninterrupted / "corpus")  # same input names as the uninterrupted run
    corpus = tmp_path / "corpus"
    args = [sys.executable, "-m", "termnorm", "batch", "corpus", "--out", "part", "-j", "2", "--checkpoint-seconds", "0.05"]
    proc = subprocess.Popen(args, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    done = wait_for_progress(tmp_path / "part", proc, 50)
    os.killpg(proc.pid, getattr(signal, how))
    _, stderr = proc.communicate(timeout=60)
    if how == "SIGKILL":
        assert proc.returncode == -signal.SIGKILL
    else:
        assert proc.returncode == 130, stderr
        assert "interrupted after" in stderr and "--resume" in stderr
    assert not any((tmp_path / "part" / name).exists() for name in OUTPUTS)  # nothing half-written in sight
    assert done < ARTICLES
    resumed = termnorm("batch", "corpus", "--out", "part", "--resume", cwd=tmp_path)
    assert resumed.returncode == 0, resumed.stderr
    assert "done before resuming" in resumed.stderr
    for name in OUTPUTS:
        assert (tmp_path / "part" / name).read_bytes() == (uninterrupted / "whole" / name).read_bytes(), name
    assert sorted(p.name for p in (tmp_path / "part").iterdir()) == OUTPUTS
    assert corpus.is_dir()


def test_an_unfinished_run_needs_resume_or_restart(tmp_path: Path) -> None:
    state = tmp_path / "out" / ".termnorm-batch"
    state.mkdir(parents=True)
    (state / "state.json").write_text(json.dumps({"format": 1, "phase": "running", "done": 3}))
    result = runner.invoke(app, ["batch", str(SEEDS), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "unfinished run (3 documents done)" in result.stderr and "--resume" in result.stderr
    result = runner.invoke(app, ["batch", str(SEEDS), "--out", str(tmp_path / "out"), "--restart", "-j", "1"])
    assert result.exit_code == 0, result.stderr

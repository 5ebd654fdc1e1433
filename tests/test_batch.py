"""Batch runs over whole corpora: outputs, order, faults, JSON Lines, and where files go."""

from __future__ import annotations

import codecs
import csv
import json
import os
from pathlib import Path

import pytest

from termnorm import annotate_document, load_glossary
from termnorm.batch import BatchError, BatchOptions, run_batch

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
OUTPUTS = ("annotations.csv", "annotations.jsonl", "errors.jsonl", "report.html", "summary.csv", "summary.json")
ZH = (
    "新疆维吾尔自治区政府新闻办公室今天举行新闻发布会。发言人说，维吾尔族群众的生活水平不断提高，"
    "职业技能教育培训中心的学员已经全部结业。外国记者问到所谓再教育营的问题时，发言人表示这是谎言。"
)
ZH_HANT = (
    "新疆維吾爾自治區政府新聞辦公室今天舉行新聞發布會。發言人說，維吾爾族群眾的生活水平不斷提高，"
    "職業技能教育培訓中心的學員已經全部結業。外國記者問到所謂再教育營的問題時，發言人表示這是謊言。"
)


def run(inputs: list[Path | str], out: Path, **kw: object) -> object:
    return run_batch(BatchOptions(inputs=tuple(str(p) for p in inputs), out=out, **kw))  # type: ignore[arg-type]


def records(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "annotations.jsonl").read_text(encoding="utf-8").splitlines()]


def errors(out: Path) -> dict[str, dict]:
    lines = (out / "errors.jsonl").read_text(encoding="utf-8").splitlines()
    return {Path(r["source"]).name: r for r in map(json.loads, lines)}


def test_seeds_give_every_output_and_the_contract_per_document(tmp_path: Path) -> None:
    out = tmp_path / "out"
    summary = run([SEEDS], out, jobs=2)
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUTS)
    assert summary.failed == 0 and summary.exit_code == 0  # type: ignore[attr-defined]
    docs = records(out)
    seeds = sorted(SEEDS.glob("*.txt"))
    assert [d["source"] for d in docs] == [str(p) for p in seeds]
    glossary = load_glossary()
    for doc, path in zip(docs, seeds, strict=True):
        text = path.read_text(encoding="utf-8")
        expected = annotate_document(text, glossary, source=str(path)).to_dict()
        assert {k: doc[k] for k in expected} == json.loads(json.dumps(expected, ensure_ascii=False))
        assert (doc["encoding"], doc["format"]) == ("utf-8", "text")
        assert all(text[a["start"] : a["end"]] == a["text"] for a in doc["annotations"])
    assert any(a["entry"] == "uyghur" for d in docs for a in d["annotations"])


def test_summaries_add_up(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run([SEEDS], out, jobs=1)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    docs, corpus = summary["documents"], summary["corpus"]
    assert corpus["documents"] == len(docs) == 5
    assert corpus["annotations"] == sum(d["annotations"] for d in docs) == sum(len(r["annotations"]) for r in records(out))
    for side, n in corpus["framing"].items():
        assert n == sum(d["framing"].get(side, 0) for d in docs)
        assert corpus["framing_quoted"].get(side, 0) <= n
    assert summary["top_entries"][0]["count"] == max(corpus["entries"].values())
    rows = list(csv.DictReader((out / "summary.csv").open(encoding="utf-8")))
    assert [r["scope"] for r in rows] == ["document"] * 5 + ["corpus"]
    assert int(rows[-1]["annotations"]) == corpus["annotations"]
    for side in corpus["framing"]:
        assert sum(int(r[f"framing.{side}"]) for r in rows[:-1]) == int(rows[-1][f"framing.{side}"]) == corpus["framing"][side]
    annotation_rows = list(csv.DictReader((out / "annotations.csv").open(encoding="utf-8")))
    assert len(annotation_rows) == corpus["annotations"]


def test_output_is_the_same_whatever_the_number_of_workers(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(60):
        seed = sorted(SEEDS.glob("*.txt"))[i % 5]
        (corpus / f"doc{i:03}.txt").write_text(
            f"Document {i}. Uighur or Uygur?\n" + seed.read_text(encoding="utf-8"), encoding="utf-8"
        )
    run([corpus], tmp_path / "one", jobs=1)
    run([corpus], tmp_path / "two", jobs=2)
    for name in OUTPUTS:
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name


def fault_corpus(root: Path) -> Path:
    root.mkdir()
    english = (SEEDS / "000_c2d80ad78116fbee.txt").read_bytes()
    (root / "01-empty.txt").write_bytes(b"")
    (root / "02-image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(4096))
    (root / "03-damaged.txt").write_bytes(english[:1500] + b"\xff\xfe\xc3" + english[1500:] + b"\nUighurs.")
    (root / "04-gb18030.txt").write_bytes(ZH.encode("gb18030"))
    (root / "05-big5.txt").write_bytes(ZH_HANT.encode("big5"))
    (root / "06-utf16.txt").write_bytes(("The Uighurs of Xinjiang. " * 40).encode("utf-16"))
    filler = "the quick brown fox jumps over the lazy dog while reporters wrote about the region. "
    big = "Uighurs " + filler * (50 * 1024 * 1024 // len(filler)) + " Uygur"
    (root / "07-huge-one-line.txt").write_text(big, encoding="utf-8")
    (root / "08-loop").mkdir()
    os.symlink(root, root / "08-loop" / "up")
    os.symlink(root / "09-b.txt", root / "09-a.txt")
    os.symlink(root / "09-a.txt", root / "09-b.txt")
    (root / "10-fine.txt").write_bytes(codecs.BOM_UTF8 + b"Uyghurs and Uighurs.")
    return root


def test_a_corpus_of_faults_is_annotated_as_far_as_possible(tmp_path: Path) -> None:
    out = tmp_path / "out"
    summary = run([fault_corpus(tmp_path / "corpus")], out, jobs=2, report_chars=10_000)
    docs = {Path(d["source"]).name: d for d in records(out)}
    problems = errors(out)
    assert sorted(docs) == [
        "03-damaged.txt",
        "04-gb18030.txt",
        "05-big5.txt",
        "06-utf16.txt",
        "07-huge-one-line.txt",
        "10-fine.txt",
    ]
    assert {k: (v["status"], v["kind"]) for k, v in problems.items()} == {
        "01-empty.txt": ("skipped", "empty"),
        "02-image.png": ("skipped", "binary"),
        "up": ("skipped", "link-loop"),
        "09-a.txt": ("failed", "unreadable"),
        "09-b.txt": ("failed", "unreadable"),
    }
    assert "PNG" in problems["02-image.png"]["reason"]
    assert summary.exit_code == 1 and summary.failed == 2 and summary.skipped == 3  # type: ignore[attr-defined]
    assert docs["03-damaged.txt"]["encoding"] == "utf-8" and docs["03-damaged.txt"]["warnings"]
    assert docs["04-gb18030.txt"]["encoding"] == "gb18030"
    assert docs["05-big5.txt"]["encoding"] == "big5"
    assert docs["06-utf16.txt"]["encoding"] == "utf-16-le (BOM)"
    assert docs["10-fine.txt"]["encoding"] == "utf-8 (BOM)"
    for name in ("04-gb18030.txt", "05-big5.txt", "06-utf16.txt", "10-fine.txt", "03-damaged.txt"):
        assert "uyghur" in {a["entry"] for a in docs[name]["annotations"]}, name
    huge = docs["07-huge-one-line.txt"]["annotations"]
    assert [(a["text"], a["entry"]) for a in (huge[0], huge[-1])] == [("Uighurs", "uyghur"), ("Uygur", "uyghur")]
    assert huge[-1]["end"] == (tmp_path / "corpus" / "07-huge-one-line.txt").stat().st_size
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "Showing the first 10,000 of" in report and "symbolic link loop" in report


def test_jsonl_corpora_use_the_text_and_id_fields(tmp_path: Path) -> None:
    dump = tmp_path / "dump.jsonl"
    rows = [
        {"id": "a1", "body": {"text": "Uighurs in Xinjiang"}},
        {"id": 7, "body": {"text": ZH}},
        {"id": "a3", "headline": "no body"},
        "not an object",
        {"id": "a5", "body": {"text": "<p>The <b>Uygur</b> people</p>"}},
    ]
    dump.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n{broken\n", encoding="utf-8")
    out = tmp_path / "out"
    summary = run([dump], out, text_field="body.text", jobs=1, with_text=True)
    docs = records(out)
    assert [(d["id"], d["source"]) for d in docs] == [("a1", f"{dump}:1"), ("7", f"{dump}:2"), ("a5", f"{dump}:5")]
    for d in docs:
        assert all(d["text"][a["start"] : a["end"]] == a["text"] for a in d["annotations"])
        assert "uyghur" in {a["entry"] for a in d["annotations"]}
    problems = sorted((r["source"].rsplit(":", 1)[1], r["kind"]) for r in map(json.loads, (out / "errors.jsonl").open()))
    assert problems == [("3", "no-text"), ("4", "bad-json"), ("6", "bad-json")]
    assert summary.exit_code == 1  # type: ignore[attr-defined]


def test_html_and_markdown_offsets_index_the_extracted_text(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.html").write_text(
        "<html><head><script>var x='Uighur';</script></head><body><p>The <em>Uighurs</em> &amp; “camps”.</p></body></html>"
    )
    (corpus / "b.md").write_text("## Uyghurs\n\nSo-called **vocational training centres** in [Xinjiang](http://x).\n")
    out = tmp_path / "out"
    run([corpus], out, jobs=1, with_text=True)
    docs = records(out)
    assert [d["format"] for d in docs] == ["html", "markdown"]
    assert docs[0]["text"] == "The Uighurs & “camps”.\n"
    for d in docs:
        assert d["annotations"] and all(d["text"][a["start"] : a["end"]] == a["text"] for a in d["annotations"])


def test_outputs_stay_inside_out_whatever_the_input_names(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "..sub").mkdir(parents=True)
    (corpus / "..sub" / "..").mkdir(exist_ok=True)
    for name in ("..txt", "report.html", "annotations.jsonl", " ~", "$(touch pwned)"):
        (corpus / "..sub" / name).write_text("Uighurs", encoding="utf-8")
    dump = tmp_path / "d.jsonl"
    dump.write_text(json.dumps({"id": "../../../escaped", "text": "Uyghurs"}) + "\n", encoding="utf-8")
    before = {p for p in tmp_path.rglob("*")}
    out = tmp_path / "results" / "run"
    run([corpus, dump], out, jobs=1)
    created = {p for p in tmp_path.rglob("*")} - before
    assert created == {tmp_path / "results", out, *(out / name for name in OUTPUTS)}


def test_an_unfinished_run_is_never_silently_discarded(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / ".termnorm-batch").mkdir(parents=True)
    state = {"format": 1, "phase": "running", "done": 12}
    (out / ".termnorm-batch" / "state.json").write_text(json.dumps(state))
    with pytest.raises(BatchError) as info:
        run([SEEDS], out)
    assert "unfinished run (12 documents done)" in str(info.value) and "--resume" in (info.value.hint or "")
    with pytest.raises(BatchError, match="other inputs or options"):
        run([SEEDS], out, resume=True)
    run([SEEDS], out, restart=True, jobs=1)
    assert sorted(p.name for p in out.iterdir()) == sorted(OUTPUTS)


def test_resume_refuses_other_options(tmp_path: Path) -> None:
    out = tmp_path / "out"
    from termnorm.batch import engine

    interrupted = {"n": 0}

    def stop(progress: object) -> None:
        interrupted["n"] += 1
        raise KeyboardInterrupt

    with pytest.raises(engine.BatchInterrupted):
        run_batch(BatchOptions(inputs=(str(SEEDS),), out=out, jobs=1), progress=stop)
    with pytest.raises(BatchError, match=r"other inputs or options \(style\)"):
        run([SEEDS], out, resume=True, style="prc-english")
    summary = run([SEEDS], out, resume=True, jobs=1)
    assert summary.documents == 5 and summary.resumed == 5  # type: ignore[attr-defined]
    assert not (out / ".termnorm-batch").exists()


def test_a_missing_input_is_an_error_before_anything_runs(tmp_path: Path) -> None:
    with pytest.raises(Exception, match="no such file or folder"):
        run([tmp_path / "nope"], tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_a_document_that_kills_its_worker_fails_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import signal

    from termnorm.batch import document

    real = document.annotate_document

    def fragile(text: str, *args: object, **kw: object) -> object:
        if "CRASH-ME" in text:
            os.kill(os.getpid(), signal.SIGKILL)  # what a segfault or the out-of-memory killer does
        return real(text, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(document, "annotate_document", fragile)  # workers are forked: they see it too
    corpus = tmp_path / "c"
    corpus.mkdir()
    for i in range(12):
        (corpus / f"{i:02}.txt").write_text("CRASH-ME Uighurs" if i == 5 else f"Uighurs {i}", encoding="utf-8")
    out = tmp_path / "out"
    summary = run([corpus], out, jobs=2)
    assert [Path(d["source"]).name for d in records(out)] == [f"{i:02}.txt" for i in range(12) if i != 5]
    assert errors(out)["05.txt"]["kind"] == "crash"
    assert summary.failed == 1  # type: ignore[attr-defined]


def test_a_run_stopped_while_renaming_its_outputs_completes_on_resume(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from termnorm.batch import BatchInterrupted, outputs

    run([SEEDS], tmp_path / "whole", jobs=1)
    real_replace, calls = os.replace, []

    def flaky_replace(src: object, dst: object) -> None:
        if Path(str(dst)).parent == tmp_path / "out":  # a final output, not a checkpoint
            calls.append(dst)
            if len(calls) == 3:
                raise KeyboardInterrupt  # Ctrl-C halfway through the renames
        real_replace(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(outputs.os, "replace", flaky_replace)
    with pytest.raises(BatchInterrupted):
        run([SEEDS], tmp_path / "out", jobs=1)
    monkeypatch.setattr(outputs.os, "replace", real_replace)
    assert len(calls) == 3 and len([p for p in (tmp_path / "out").iterdir() if p.name in OUTPUTS]) == 2
    summary = run([SEEDS], tmp_path / "out", jobs=1, resume=True)
    assert summary.documents == 5  # type: ignore[attr-defined]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(OUTPUTS)
    for name in OUTPUTS:
        assert (tmp_path / "out" / name).read_bytes() == (tmp_path / "whole" / name).read_bytes(), name


def test_the_batch_benchmark_runs_in_quick_mode(capsys: pytest.CaptureFixture[str]) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("batch_bench", ROOT / "benchmarks" / "batch_bench.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    assert bench.main(["--quick", "--sizes", "1"]) == 0  # speed is reported, never asserted
    printed = capsys.readouterr().out
    assert "jobs=1" in printed and "jobs=2" in printed and "docs/s" in printed

"""``termnorm annotate``: formats (text, json, jsonl, csv), colour, --fail-on, glossary options, errors."""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from termnorm import Glossary, annotate_text
from termnorm.annotate import ANNOTATION_FIELDS
from termnorm.cli import app

runner = CliRunner()
ANSI = "\x1b["
CONTRACT = ["start", "end", "text", "entry", "label", "term", "type", "lang", "preferred", "loaded", "used_by", "note", "match", "score", "quoted"]  # fmt: skip


@pytest.fixture
def docs(tmp_path: Path) -> list[Path]:
    """Three inputs: spelling variants, a loaded phrase in quotation marks, and no terms at all."""
    texts = {
        "b.txt": "Uighurs in Urumchi.\n",
        "a.txt": "Officials cite the “three evil forces” and the so-called vocational education and training centres.\n",
        "c.txt": "Nothing to see here.\n",
    }
    paths = []
    for name, text in texts.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        paths.append(tmp_path / name)
    return paths


def annotate(glossary: Path, *args: str, input: str | None = None) -> Any:
    return runner.invoke(app, ["annotate", "--glossary", str(glossary), "--no-fuzzy", *args], input=input)


def test_jsonl_one_object_per_input_in_input_order(fixture_glossary_path: Path, docs: list[Path]) -> None:
    result = annotate(fixture_glossary_path, "--format", "jsonl", *map(str, docs))
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["source"] for r in records] == [str(p) for p in docs]
    assert [[a["text"] for a in r["annotations"]] for r in records] == [
        ["Uighurs", "Urumchi"],
        ["three evil forces", "so-called", "vocational education and training centres"],
        [],
    ]
    for record, path in zip(records, docs, strict=True):
        text = path.read_text(encoding="utf-8")
        assert record["lang"] == "en"
        for a in record["annotations"]:
            assert list(a)[: len(CONTRACT)] == CONTRACT
            assert text[a["start"] : a["end"]] == a["text"]


def test_jsonl_annotation_fields(fixture_glossary_path: Path, docs: list[Path]) -> None:
    record = json.loads(annotate(fixture_glossary_path, "--format", "jsonl", str(docs[0])).stdout)
    first = record["annotations"][0]
    assert first == first | {
        "start": 0, "end": 7, "text": "Uighurs", "entry": "uyghur", "label": "Uyghur", "term": "Uighur",
        "type": "spelling", "lang": "en", "preferred": "Uyghurs", "loaded": False, "used_by": ["western-media"],
        "note": None, "match": "exact", "score": 100, "quoted": False,
    }  # fmt: skip
    assert record["summary"]["entries"] == {"urumqi": 1, "uyghur": 1}
    assert record["summary"]["loaded"] == 0


def test_loaded_and_quoted_terms(fixture_glossary_path: Path, docs: list[Path]) -> None:
    record = json.loads(annotate(fixture_glossary_path, "--format", "jsonl", str(docs[1])).stdout)
    by_text = {a["text"]: a for a in record["annotations"]}
    three = by_text["three evil forces"]
    assert (three["loaded"], three["quoted"], three["used_by"]) == (True, True, ["prc-official"])
    assert three["note"]
    centres = by_text["vocational education and training centres"]
    assert (centres["loaded"], centres["quoted"]) == (True, True)  # after "so-called"
    assert by_text["so-called"]["quoted"] is False
    assert record["summary"]["loaded"] == 2


def test_an_unquoted_term_is_not_quoted(fixture_glossary_path: Path) -> None:
    result = annotate(fixture_glossary_path, "--format", "json", "-", input="They fight three evil forces.")
    assert [a["quoted"] for a in json.loads(result.stdout)["annotations"]] == [False]


def test_json_is_one_object_for_one_input_and_a_list_for_several(fixture_glossary_path: Path, docs: list[Path]) -> None:
    one = json.loads(annotate(fixture_glossary_path, "--format", "json", str(docs[0])).stdout)
    assert one["source"] == str(docs[0]) and len(one["annotations"]) == 2
    several = json.loads(annotate(fixture_glossary_path, "--format", "json", *map(str, docs)).stdout)
    assert [d["source"] for d in several] == [str(p) for p in docs]


def test_csv_one_row_per_annotation(fixture_glossary_path: Path, docs: list[Path]) -> None:
    result = annotate(fixture_glossary_path, "--format", "csv", *map(str, docs))
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    header = result.stdout.splitlines()[0].split(",")
    assert set(CONTRACT) <= set(header) and "source" in header
    assert set(ANNOTATION_FIELDS) <= set(header)
    assert [(r["source"], r["text"], r["entry"]) for r in rows] == [
        (str(docs[0]), "Uighurs", "uyghur"),
        (str(docs[0]), "Urumchi", "urumqi"),
        (str(docs[1]), "three evil forces", "three-evil-forces"),
        (str(docs[1]), "so-called", "so-called"),
        (str(docs[1]), "vocational education and training centres", "xinjiang-camps"),
    ]
    assert rows[2]["loaded"] == "True" and rows[2]["used_by"] == "prc-official"


def test_text_format(fixture_glossary_path: Path, docs: list[Path]) -> None:
    result = annotate(fixture_glossary_path, str(docs[0]), str(docs[1]))
    assert ANSI not in result.stdout  # not a terminal
    lines = result.stdout.splitlines()
    assert lines[0].startswith(str(docs[0])) and "2 terms" in lines[0]
    assert lines[1].split()[:4] == ["1:1", "Uighurs", "->", "Uyghurs"]
    assert "uyghur" in lines[1]
    loaded = next(line for line in lines if "three evil forces" in line)
    assert "LOADED" in loaded and "quoted" in loaded
    assert any("neutral: what the PRC calls" in line for line in lines)


def test_color_is_forced_by_the_option(fixture_glossary_path: Path, docs: list[Path]) -> None:
    assert ANSI in annotate(fixture_glossary_path, "--color", str(docs[1])).stdout
    assert ANSI not in annotate(fixture_glossary_path, "--no-color", str(docs[1])).stdout


def run_on_terminal(args: list[str], env: dict[str, str]) -> str:
    """Run the CLI with its standard output on a pseudo-terminal; return what it printed."""
    leader, follower = pty.openpty()
    environ = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")} | env
    proc = subprocess.Popen([sys.executable, "-m", "termnorm", *args], stdout=follower, stderr=subprocess.PIPE, env=environ)
    os.close(follower)
    chunks = []
    while True:
        try:
            data = os.read(leader, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=60)
    os.close(leader)
    return b"".join(chunks).decode("utf-8", "replace")


def test_colour_on_a_terminal_unless_no_color(fixture_glossary_path: Path, docs: list[Path], cli_cache_dir: Path) -> None:
    args = ["annotate", "--no-fuzzy", "--glossary", str(fixture_glossary_path), str(docs[1])]
    env = {"TERMNORM_CACHE_DIR": str(cli_cache_dir)}
    assert ANSI in run_on_terminal(args, env)
    plain = run_on_terminal(args, env | {"NO_COLOR": "1"})
    assert "three evil forces" in plain and ANSI not in plain
    assert ANSI in run_on_terminal([*args, "--color"], env | {"NO_COLOR": "1"})


def test_fail_on_loaded_exits_3_when_found(run_cli: Any, fixture_glossary_path: Path, docs: list[Path]) -> None:
    proc = run_cli(["annotate", "--no-fuzzy", "--glossary", str(fixture_glossary_path), "--fail-on", "loaded", *map(str, docs)])
    assert proc.returncode == 3
    assert "three evil forces" in proc.stdout  # the report is still printed
    assert "Traceback" not in proc.stderr


def test_fail_on_loaded_exits_0_when_clean(run_cli: Any, fixture_glossary_path: Path, docs: list[Path]) -> None:
    proc = run_cli(
        ["annotate", "--no-fuzzy", "--glossary", str(fixture_glossary_path), "--fail-on", "loaded", str(docs[0]), str(docs[2])]
    )
    assert proc.returncode == 0
    assert "Uighurs" in proc.stdout


def test_out_writes_the_report(fixture_glossary_path: Path, docs: list[Path], tmp_path: Path) -> None:
    target = tmp_path / "report.jsonl"
    result = annotate(fixture_glossary_path, "--format", "jsonl", "--out", str(target), str(docs[0]))
    assert (result.exit_code, result.stdout) == (0, "")
    assert json.loads(target.read_text(encoding="utf-8"))["source"] == str(docs[0])


def test_glossary_option_replaces_the_shipped_glossary(fixture_glossary_path: Path, real_glossary: Glossary) -> None:
    text = "Chen Quanguo visited Urumchi."
    assert "chen-quanguo" in {a.entry for a in annotate_text(text, real_glossary, fuzzy=False)}
    records = json.loads(annotate(fixture_glossary_path, "--format", "json", "-", input=text).stdout)
    assert [a["entry"] for a in records["annotations"]] == ["urumqi"]


def test_extra_glossary_adds_an_entry(fixture_glossary_path: Path, tmp_path: Path) -> None:
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "local.yaml").write_text(
        "- id: karamay\n  label: Karamay\n  category: place\n  definition: An oil city in northern Xinjiang.\n"
        "  sources: [https://example.org/karamay]\n  terms:\n    - {form: Karamay, lang: en, type: preferred}\n"
        "    - {form: 克拉玛依, lang: zh-Hans, type: translation}\n",
        encoding="utf-8",
    )
    text = "Uighurs in Karamay (克拉玛依)"
    plain = json.loads(annotate(fixture_glossary_path, "--format", "json", "-", input=text).stdout)
    assert [a["entry"] for a in plain["annotations"]] == ["uyghur"]
    result = annotate(fixture_glossary_path, "--extra-glossary", str(extra), "--format", "json", "-", input=text)
    assert [a["entry"] for a in json.loads(result.stdout)["annotations"]] == ["uyghur", "karamay", "karamay"]


def test_extra_glossary_conflicting_with_the_base_is_an_error(
    fixture_glossary_path: Path, tmp_path: Path, assert_user_error: Any
) -> None:
    extra = tmp_path / "clash.yaml"
    extra.write_text(
        "- id: uyghur\n  label: Uyghur again\n  category: ethnonym\n  definition: A clash.\n"
        "  sources: [https://example.org/clash]\n  terms:\n    - {form: Uyghur, lang: en, type: preferred}\n",
        encoding="utf-8",
    )
    result = annotate(fixture_glossary_path, "--extra-glossary", str(extra), "-", input="Uyghur")
    assert result.exit_code == 1
    assert_user_error(result.stderr, "clash.yaml:1", "duplicate id")


def test_missing_file(run_cli: Any, fixture_glossary_path: Path, tmp_path: Path, assert_user_error: Any) -> None:
    proc = run_cli(["annotate", "--glossary", str(fixture_glossary_path), str(tmp_path / "gone.txt")])
    assert (proc.returncode, proc.stdout) == (1, "")
    assert_user_error(proc.stderr, "gone.txt")


def test_folder_instead_of_file(fixture_glossary_path: Path, tmp_path: Path, assert_user_error: Any) -> None:
    result = annotate(fixture_glossary_path, str(tmp_path))
    assert result.exit_code == 1
    assert_user_error(result.stderr, "is a directory")


@pytest.mark.parametrize("args", [["--format", "xml", "-"], ["--fail-on", "everything", "-"], ["--bogus", "-"], []])
def test_usage_errors_exit_2(run_cli: Any, args: list[str]) -> None:
    proc = run_cli(["annotate", *args], input="Uighur")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr

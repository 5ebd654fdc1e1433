"""``termnorm glossary check | stats | export``: the curators' tools."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from typer.testing import CliRunner

from termnorm.cli import app

runner = CliRunner()
TBX = "{urn:iso:std:iso:30042:ed-2}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# The test glossary: 16 entries with 49 typed forms; OpenCC adds 9 traditional ones.
ENTRIES, FORMS, DERIVED = 16, 58, 9


def glossary(*args: str) -> Any:
    return runner.invoke(app, ["glossary", *args])


def test_check_passes_on_a_valid_glossary(fixture_glossary_path: Path) -> None:
    result = glossary("check", "--glossary", str(fixture_glossary_path))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == f"ok: {ENTRIES} entries, {FORMS} forms, 0 warnings"
    assert "han-chinese: 'Han' (en)" in result.stdout  # ambiguous forms are listed for review


def test_check_lists_every_problem_and_exits_1(tmp_path: Path, fixture_glossary_path: Path) -> None:
    folder = tmp_path / "g"
    shutil.copytree(fixture_glossary_path, folder)
    places = folder / "places.yaml"
    text = places.read_text(encoding="utf-8")
    text = text.replace("  category: place\n", "  category: place\n  colour: blue\n", 1)
    text = text.replace("      lang: ru\n", "      lang: rus-Cyrlx\n", 1)
    places.write_text(text, encoding="utf-8")
    result = glossary("check", "--glossary", str(folder))
    assert result.exit_code == 1
    errors = [line for line in result.stdout.splitlines() if line.startswith("error: ")]
    assert len(errors) == 2
    colour_line = text.splitlines().index("  colour: blue") + 1
    assert errors[0].startswith(f"error: {places}:{colour_line} entry 'xinjiang': unknown key 'colour'") or errors[1].startswith(
        f"error: {places}:{colour_line} entry 'xinjiang': unknown key 'colour'"
    )
    assert any("invalid language tag 'rus-Cyrlx'" in e and "entry 'xinjiang'" in e for e in errors)
    assert result.stderr.strip() == "termnorm: error: the glossary has 2 problems"


def test_check_quiet_prints_errors_only(fixture_glossary_path: Path) -> None:
    result = glossary("check", "-q", "--glossary", str(fixture_glossary_path))
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [f"ok: {ENTRIES} entries, {FORMS} forms, 0 warnings"]


def test_check_warns_about_short_forms(tmp_path: Path, fixture_glossary_path: Path) -> None:
    extra = tmp_path / "short.yaml"
    extra.write_text(
        "- id: ili\n  label: Ili\n  category: place\n  definition: A prefecture.\n"
        "  sources: [https://example.org/ili]\n  terms:\n    - {form: Ili, lang: en, type: preferred}\n",
        encoding="utf-8",
    )
    result = glossary("check", "--glossary", str(fixture_glossary_path), "--extra-glossary", str(extra))
    assert result.exit_code == 0
    assert any(line.startswith(f"warning: {extra}:7 entry 'ili': short form 'Ili'") for line in result.stdout.splitlines())


def test_stats_text(fixture_glossary_path: Path) -> None:
    result = glossary("stats", "--glossary", str(fixture_glossary_path))
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == f"{ENTRIES} entries, {FORMS} forms ({DERIVED} derived), 6 loaded (10%)"


def test_stats_json(fixture_glossary_path: Path) -> None:
    data = json.loads(glossary("stats", "--format", "json", "--glossary", str(fixture_glossary_path)).stdout)
    assert (data["entries"], data["forms"], data["derived_forms"]) == (ENTRIES, FORMS, DERIVED)
    assert data["categories"]["place"] == 5
    assert data["languages"]["zh-Hant"] == DERIVED
    assert data["styles"] == ["default", "prc-english"]
    assert data["ambiguous_forms"] == 1


def test_export_tbx(fixture_glossary_path: Path) -> None:
    result = glossary("export", "--format", "tbx", "--glossary", str(fixture_glossary_path))
    root = ET.fromstring(result.stdout.encode("utf-8"))
    concepts = root.findall(f".//{TBX}conceptEntry")
    assert len(concepts) == ENTRIES
    uyghur = next(c for c in concepts if c.get("id") == "uyghur")
    langs = [s.get(XML_LANG) for s in uyghur.findall(f"{TBX}langSec")]
    assert {"en", "zh-Hans", "zh-Hant", "ug-Arab", "ug-Cyrl", "fr"} == set(langs)
    terms = [t.text for t in uyghur.iter(f"{TBX}term")]
    assert "維吾爾族" in terms and "Uighur" in terms


def test_export_csv_one_row_per_form(fixture_glossary_path: Path) -> None:
    rows = list(
        csv.DictReader(io.StringIO(glossary("export", "--format", "csv", "--glossary", str(fixture_glossary_path)).stdout))
    )
    assert len(rows) == FORMS
    assert sum(1 for r in rows if r["derived"]) == DERIVED
    assert {r["form"] for r in rows if r["entry"] == "kashgar"} == {"Kashgar", "Kashi", "喀什"}


def test_export_json_to_a_file(fixture_glossary_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "glossary.json"
    result = glossary("export", "--format", "json", "--out", str(target), "--glossary", str(fixture_glossary_path))
    assert (result.exit_code, result.stdout) == (0, "")
    data = json.loads(target.read_text(encoding="utf-8"))
    assert len(data) == ENTRIES and {e["id"] for e in data} >= {"uyghur", "xinjiang", "three-evil-forces"}


def test_stats_of_a_broken_glossary_is_one_error(tmp_path: Path, assert_user_error: Any) -> None:
    (tmp_path / "bad.yaml").write_text("- id: Not Kebab\n", encoding="utf-8")
    result = glossary("stats", "--glossary", str(tmp_path))
    assert result.exit_code == 1
    assert_user_error(result.stderr, "bad.yaml:1")


def test_unknown_subcommand_is_a_usage_error(run_cli: Any) -> None:
    proc = run_cli(["glossary", "frobnicate"])
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr

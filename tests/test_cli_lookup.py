"""``termnorm lookup``: one entry card for an id or any form, in any script; suggestions for typos."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from termnorm.cli import app

runner = CliRunner()


def lookup(glossary: Path, *args: str) -> Any:
    return runner.invoke(app, ["lookup", "--glossary", str(glossary), *args])


@pytest.mark.parametrize(
    "query", ["uyghur", "Uyghur", "UIGHUR", "Uygur", "Uighurs", "维吾尔族", "維吾爾", "ئۇيغۇر", "Уйғур", "  Uighur  "]
)
def test_every_form_shows_the_same_card(fixture_glossary_path: Path, query: str) -> None:
    result = lookup(fixture_glossary_path, query)
    assert result.exit_code == 0, result.output
    assert result.stdout == lookup(fixture_glossary_path, "uyghur").stdout


def test_card_content(fixture_glossary_path: Path) -> None:
    out = lookup(fixture_glossary_path, "Urumchi").stdout
    lines = out.splitlines()
    assert lines[0] == "Urumqi  (urumqi, place)"
    assert lines[1].strip() == "The capital of Xinjiang."
    assert "English [en]" in out and "Chinese (Simplified) [zh-Hans]" in out and "Uyghur (Arabic) [ug-Arab]" in out
    assert any(line.strip().startswith("Urumchi  (spelling") for line in lines)
    assert any(line.strip().startswith("烏魯木齊") and "derived" in line for line in lines)
    assert "https://en.wikipedia.org/wiki/%C3%9Cr%C3%BCmqi" in out


def test_loaded_entry_shows_note_and_neutral(fixture_glossary_path: Path) -> None:
    out = lookup(fixture_glossary_path, "三股势力").stdout
    assert "LOADED" in out
    assert "neutral alternative: what the PRC calls terrorism, separatism and religious extremism" in out
    assert "Official PRC phrase." in out


def test_json(fixture_glossary_path: Path) -> None:
    result = lookup(fixture_glossary_path, "--format", "json", "Kashi")
    card = json.loads(result.stdout)
    assert (card["id"], card["label"], card["category"]) == ("kashgar", "Kashgar", "place")
    terms = {t["form"]: t for t in card["terms"]}
    assert terms["Kashi"]["used_by"] == ["prc-official"]
    assert terms["喀什"]["derived"] is None


def test_json_marks_derived_traditional_forms(fixture_glossary_path: Path) -> None:
    card = json.loads(lookup(fixture_glossary_path, "--format", "json", "uyghur").stdout)
    derived = {t["form"]: t["derived"] for t in card["terms"] if t["derived"]}
    assert set(derived) == {"維吾爾族", "維吾爾"}
    assert "维吾尔族" in derived["維吾爾族"]


def test_ambiguous_form_says_so(fixture_glossary_path: Path) -> None:
    out = lookup(fixture_glossary_path, "Han").stdout
    assert out.startswith("Han Chinese  (han-chinese, ethnonym)")
    assert "ambiguous: Also a common surname and the Han dynasty." in out


def test_typo_suggests_the_entry(fixture_glossary_path: Path, assert_user_error: Any) -> None:
    result = lookup(fixture_glossary_path, "uyghr")
    assert (result.exit_code, result.stdout) == (1, "")
    assert_user_error(result.stderr, "no glossary entry for 'uyghr'")
    assert "termnorm: hint: did you mean: Uyghur (uyghur)?" in result.stderr


def test_nothing_close_gives_no_hint(fixture_glossary_path: Path, assert_user_error: Any) -> None:
    result = lookup(fixture_glossary_path, "zzzzzzzzqqq")
    assert result.exit_code == 1
    assert_user_error(result.stderr, "zzzzzzzzqqq")
    assert "hint" not in result.stderr


def test_colour_only_when_asked(fixture_glossary_path: Path) -> None:
    assert "\x1b[" not in lookup(fixture_glossary_path, "uyghur").stdout
    assert "\x1b[" in lookup(fixture_glossary_path, "--color", "uyghur").stdout


def test_extra_glossary_entry_can_be_looked_up(fixture_glossary_path: Path, place_glossary: Callable[..., Path]) -> None:
    extra = place_glossary("hotan", "An oasis city.", ("Hotan", "preferred"), ("Khotan", "historic"))
    assert lookup(fixture_glossary_path, "Khotan").exit_code == 1
    result = runner.invoke(app, ["lookup", "--glossary", str(fixture_glossary_path), "--extra-glossary", str(extra), "Khotan"])
    assert result.stdout.startswith("Hotan  (hotan, place)")


def test_end_to_end_exit_codes(run_cli: Any, fixture_glossary_path: Path) -> None:
    found = run_cli(["lookup", "--glossary", str(fixture_glossary_path), "xinjiang"])
    assert found.returncode == 0 and found.stdout.startswith("Xinjiang  (xinjiang, place)")
    missing = run_cli(["lookup", "--glossary", str(fixture_glossary_path), "qqqqqqqqq"])
    assert missing.returncode == 1 and "Traceback" not in missing.stderr
    usage = run_cli(["lookup"])
    assert usage.returncode == 2

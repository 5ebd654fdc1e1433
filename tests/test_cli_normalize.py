"""``termnorm normalize``: text, --diff, --explain, --out, --in-place, styles, --rewrite loaded, errors."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from termnorm.cli import app

runner = CliRunner()
SOURCE = "UIGHUR leaders and the Uighurs' homes in Urumchi.\nThey oppose three evil forces.\n"
NORMALIZED = "UYGHUR leaders and the Uyghurs' homes in Urumqi.\nThey oppose three evil forces.\n"


@pytest.fixture
def draft(tmp_path: Path) -> Path:
    path = tmp_path / "draft.txt"
    path.write_text(SOURCE, encoding="utf-8")
    return path


def normalize(glossary: Path, *args: str, input: str | None = None) -> Any:
    return runner.invoke(app, ["normalize", "--glossary", str(glossary), *args], input=input)


def test_normalizes_a_file_to_standard_output(fixture_glossary_path: Path, draft: Path) -> None:
    result = normalize(fixture_glossary_path, str(draft))
    assert result.exit_code == 0, result.output
    assert result.stdout == NORMALIZED
    assert draft.read_text(encoding="utf-8") == SOURCE  # the input is never modified


def test_several_files_in_the_given_order(fixture_glossary_path: Path, tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text("Urumchi\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text("Uighur\n", encoding="utf-8")
    result = normalize(fixture_glossary_path, str(tmp_path / "b.txt"), str(tmp_path / "a.txt"))
    assert result.stdout == "Urumqi\nUyghur\n"


def test_standard_input_end_to_end(run_cli: Any, fixture_glossary_path: Path) -> None:
    proc = run_cli(["normalize", "--glossary", str(fixture_glossary_path), "-"], input=SOURCE)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, NORMALIZED, "")


def test_crlf_and_bom_input_keeps_line_endings(fixture_glossary_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "windows.txt"
    path.write_bytes("\ufeffUighurs\r\nin Urumchi\r\n".encode())
    result = normalize(fixture_glossary_path, str(path))
    assert result.stdout_bytes == b"Uyghurs\r\nin Urumqi\r\n"


def test_diff(fixture_glossary_path: Path, draft: Path) -> None:
    result = normalize(fixture_glossary_path, "--diff", str(draft))
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == f"--- {draft}"
    assert lines[1].startswith(f"+++ {draft}")
    assert "-UIGHUR leaders and the Uighurs' homes in Urumchi." in lines
    assert "+UYGHUR leaders and the Uyghurs' homes in Urumqi." in lines
    assert not any(line.startswith(("-They", "+They")) for line in lines)


def test_diff_of_a_clean_file_is_empty(fixture_glossary_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "clean.txt"
    path.write_text("Uyghurs in Urumqi\n", encoding="utf-8")
    result = normalize(fixture_glossary_path, "--diff", str(path))
    assert (result.exit_code, result.stdout) == (0, "")


def test_explain_lists_every_change_with_its_place_and_entry(fixture_glossary_path: Path, draft: Path) -> None:
    result = normalize(fixture_glossary_path, "--explain", str(draft))
    lines = result.stdout.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith(f"{draft}:1:1: UIGHUR -> UYGHUR")
    assert lines[1].startswith(f"{draft}:1:24: Uighurs' -> Uyghurs'")
    assert lines[2].startswith(f"{draft}:1:42: Urumchi -> Urumqi")
    assert "uyghur" in lines[0] and "urumqi" in lines[2]


def test_out_writes_the_file_and_leaves_the_input(fixture_glossary_path: Path, draft: Path, tmp_path: Path) -> None:
    target = tmp_path / "out" / "clean.txt"
    target.parent.mkdir()
    target.write_text("old content\n", encoding="utf-8")
    result = normalize(fixture_glossary_path, "--out", str(target), str(draft))
    assert (result.exit_code, result.stdout) == (0, "")
    assert target.read_text(encoding="utf-8") == NORMALIZED
    assert draft.read_text(encoding="utf-8") == SOURCE
    assert sorted(p.name for p in target.parent.iterdir()) == ["clean.txt"]  # no temporary file left


def test_out_into_a_missing_folder_is_an_error(
    fixture_glossary_path: Path, draft: Path, tmp_path: Path, assert_user_error: Any
) -> None:
    result = normalize(fixture_glossary_path, "--out", str(tmp_path / "nowhere" / "x.txt"), str(draft))
    assert result.exit_code == 1
    assert_user_error(result.stderr, "nowhere")


def test_out_takes_one_input(fixture_glossary_path: Path, draft: Path, tmp_path: Path) -> None:
    result = normalize(fixture_glossary_path, "--out", str(tmp_path / "x.txt"), str(draft), str(draft))
    assert result.exit_code == 2
    assert not (tmp_path / "x.txt").exists()


def test_in_place_rewrites_the_files(fixture_glossary_path: Path, draft: Path, tmp_path: Path) -> None:
    clean = tmp_path / "clean.txt"
    clean.write_text("Uyghurs\n", encoding="utf-8")
    before = clean.stat().st_mtime_ns
    result = normalize(fixture_glossary_path, "--in-place", str(draft), str(clean))
    assert (result.exit_code, result.stdout) == (0, "")
    assert draft.read_text(encoding="utf-8") == NORMALIZED
    assert clean.read_text(encoding="utf-8") == "Uyghurs\n"
    assert clean.stat().st_mtime_ns == before  # a file without changes is not rewritten
    assert f"{draft}: 3 changes" in result.stderr


def test_in_place_refuses_standard_input(fixture_glossary_path: Path) -> None:
    result = normalize(fixture_glossary_path, "--in-place", "-", input="Uighur")
    assert result.exit_code == 2


def test_style_prc_english(fixture_glossary_path: Path) -> None:
    result = normalize(fixture_glossary_path, "--style", "prc-english", "-", input="Uyghurs and Uighurs in Kashgar")
    assert (result.exit_code, result.stdout) == (0, "Uygurs and Uygurs in Kashi")


def test_rewrite_loaded_uses_the_neutral_wording_and_explains_it(fixture_glossary_path: Path, draft: Path) -> None:
    result = normalize(fixture_glossary_path, "--rewrite", "loaded", str(draft))
    assert result.stdout.splitlines()[1] == "They oppose what the PRC calls terrorism, separatism and religious extremism."
    explained = normalize(fixture_glossary_path, "--rewrite", "loaded", "--explain", str(draft)).stdout.splitlines()
    assert len(explained) == 4
    assert explained[3].startswith(f"{draft}:2:13: three evil forces -> what the PRC calls")
    assert "three-evil-forces" in explained[3] and "neutral wording" in explained[3]


def test_framing_is_left_alone_without_rewrite(fixture_glossary_path: Path) -> None:
    result = normalize(fixture_glossary_path, "-", input="a vocational education and training centre")
    assert result.stdout == "a vocational education and training centre"


def test_extra_glossary_adds_a_spelling(fixture_glossary_path: Path, place_glossary: Callable[..., Path]) -> None:
    extra = place_glossary("yining", "A city in Ili.", ("Yining", "preferred"), ("Ghulja", "spelling"))
    result = normalize(fixture_glossary_path, "--extra-glossary", str(extra), "-", input="Uighurs in Ghulja")
    assert (result.exit_code, result.stdout) == (0, "Uyghurs in Yining")


def test_missing_file(fixture_glossary_path: Path, tmp_path: Path, assert_user_error: Any) -> None:
    result = normalize(fixture_glossary_path, str(tmp_path / "missing.txt"))
    assert result.exit_code == 1
    assert_user_error(result.stderr, "missing.txt", "no such file")


def test_undecodable_input(run_cli: Any, fixture_glossary_path: Path, tmp_path: Path, assert_user_error: Any) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("Uighurs in Ürümqi\n".encode("latin-1"))
    proc = run_cli(["normalize", "--glossary", str(fixture_glossary_path), str(path)])
    assert (proc.returncode, proc.stdout) == (1, "")
    assert_user_error(proc.stderr, "latin1.txt", "UTF-8", "line 1")


def test_undecodable_standard_input(run_cli: Any, fixture_glossary_path: Path, assert_user_error: Any) -> None:
    proc = run_cli(["normalize", "--glossary", str(fixture_glossary_path), "-"], input=b"Uighur \xff\xfe\xfd")
    assert proc.returncode == 1
    assert_user_error(proc.stderr, "<stdin>")


def test_unknown_style(fixture_glossary_path: Path, draft: Path, assert_user_error: Any) -> None:
    result = normalize(fixture_glossary_path, "--style", "tabloid", str(draft))
    assert result.exit_code == 1
    assert_user_error(result.stderr, "tabloid")
    assert "prc-english" in result.stderr  # the hint lists the known styles


def test_bad_glossary_names_file_and_line(run_cli: Any, tmp_path: Path, assert_user_error: Any) -> None:
    folder = tmp_path / "glossary"
    folder.mkdir()
    (folder / "broken.yaml").write_text("- id: x\n  label: [unclosed\n  category: place\n", encoding="utf-8")
    proc = run_cli(["normalize", "--glossary", str(folder), "-"], input="Uighur")
    assert proc.returncode == 1
    line = assert_user_error(proc.stderr, "broken.yaml:")
    assert line.split("broken.yaml:")[1][0].isdigit()


def test_bad_option_is_a_usage_error(run_cli: Any) -> None:
    proc = run_cli(["normalize", "--no-such-option", "-"], input="Uighur")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr

"""The acceptance examples of the core issue, end to end with the shipped glossary."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

EXAMPLE = "UIGHUR leaders and the Uighurs' homes in Urumchi"


def test_normalize_from_standard_input(run_cli: Any, require_entries: Any) -> None:
    require_entries("uyghur", "urumqi")
    first = run_cli(["normalize", "-"], input=EXAMPLE + "\n")
    assert (first.returncode, first.stderr) == (0, "")
    assert first.stdout == "UYGHUR leaders and the Uyghurs' homes in Urumqi\n"
    again = run_cli(["normalize", "-"], input=first.stdout)
    assert (again.returncode, again.stdout) == (0, first.stdout)


# Independent of the glossary: the three English spellings of the ethnonym, any case, as words
# (a trailing plural or possessive is allowed, a longer word is not).
ETHNONYM = re.compile(r"(?<![^\W\d_])(?:uighur|uyghur|uygur)(?=s?\b|s?['’])", re.IGNORECASE)
INFLECTED = re.compile(r"(?:uighur|uyghur|uygur)(?:s|'s|’s|s'|s’)?", re.IGNORECASE)
CAMP_FRAMINGS = re.compile(
    r"\b(?:detention (?:camp|cent(?:er|re))s?|internment camps?|concentration camps?|re-?education camps?"
    r"|vocational(?:,)? (?:and )?(?:educational?,? (?:and )?)?training cent(?:er|re)s?)\b",
    re.IGNORECASE,
)


def seed_records(run_cli: Any, seeds: Path) -> list[dict[str, Any]]:
    """``termnorm annotate --format jsonl seeds/*.txt``, run from the repository root."""
    names = [f"seeds/{f.name}" for f in sorted(seeds.glob("*.txt"))]
    assert len(names) >= 5
    proc = run_cli(["annotate", "--format", "jsonl", *names], cwd=seeds.parent)
    assert proc.returncode == 0, proc.stderr
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["source"] for r in records] == names
    return records


def covering(record: dict[str, Any], start: int, end: int) -> dict[str, Any] | None:
    for a in record["annotations"]:
        if a["start"] <= start and end <= a["end"]:
            return a
    return None


def test_annotate_seeds_spans_and_ethnonyms(run_cli: Any, require_entries: Any, seeds_dir: Path) -> None:
    require_entries("uyghur")
    occurrences = 0
    for record in seed_records(run_cli, seeds_dir):
        text = (seeds_dir.parent / record["source"]).read_text(encoding="utf-8")
        for a in record["annotations"]:
            assert text[a["start"] : a["end"]] == a["text"], a
        for m in ETHNONYM.finditer(text):
            occurrences += 1
            a = covering(record, m.start(), m.end())
            assert a is not None, f"{record['source']}: '{m.group()}' at {m.start()} not annotated"
            if INFLECTED.fullmatch(a["text"]):  # the word itself, not part of a longer form
                assert a["entry"] == "uyghur", a
    assert occurrences >= 20  # the seeds use Uighur, Uyghur and Uygur about two dozen times


def test_annotate_seeds_finds_camp_framings_and_three_evil_forces(run_cli: Any, require_entries: Any, seeds_dir: Path) -> None:
    require_entries("xinjiang-camps", "three-evil-forces")
    framings = three = 0
    for record in seed_records(run_cli, seeds_dir):
        text = (seeds_dir.parent / record["source"]).read_text(encoding="utf-8")
        for m in CAMP_FRAMINGS.finditer(text):
            framings += 1
            a = covering(record, m.start(), m.end())
            assert a is not None, f"{record['source']}: '{m.group()}' at {m.start()} not annotated"
            assert a["entry"] == "xinjiang-camps", a
        for m in re.finditer(r"three evil forces", text, re.IGNORECASE):
            three += 1
            a = covering(record, m.start(), m.end())
            assert a is not None and a["entry"] == "three-evil-forces" and a["loaded"] is True
    assert framings >= 15 and three >= 1


def test_lookup_in_chinese_and_english_shows_the_same_entry(run_cli: Any, require_entries: Any) -> None:
    require_entries("uyghur")
    chinese = run_cli(["lookup", "維吾爾"])
    english = run_cli(["lookup", "uighur"])
    assert chinese.returncode == english.returncode == 0
    assert chinese.stdout == english.stdout
    assert "(uyghur, ethnonym)" in english.stdout.splitlines()[0]


def test_lookup_typo_suggests_the_entry(run_cli: Any, require_entries: Any) -> None:
    require_entries("uyghur")
    proc = run_cli(["lookup", "uyghr"])
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert "did you mean" in proc.stderr
    assert "(uyghur)" in proc.stderr
    assert "Traceback" not in proc.stderr

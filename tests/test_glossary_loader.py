"""The glossary loader: every problem in the YAML is an error naming the file, the line and the entry."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from termnorm import GlossaryError, load_glossary
from termnorm.errors import GlossaryErrors

FIXTURE = Path(__file__).parent / "fixtures" / "glossary"

GOOD = """\
- id: uyghur
  label: Uyghur
  category: ethnonym
  definition: A Turkic-speaking people.
  sources: [https://example.org/uyghur]
  terms:
    - form: Uyghur
      lang: en
      type: preferred
    - form: Uighur
      lang: en
      type: spelling
"""


def write_glossary(folder: Path, files: dict[str, str]) -> Path:
    """A glossary folder with the test vocabulary and the given entry files."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(FIXTURE / "vocabulary.yaml", folder / "vocabulary.yaml")
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


def line_of(text: str, marker: str, nth: int = 1) -> int:
    """The 1-based line of the ``nth`` line containing ``marker``."""
    hits = [i for i, line in enumerate(textwrap.dedent(text).splitlines(), 1) if marker in line]
    return hits[nth - 1]


def problems(folder: Path) -> list[GlossaryError]:
    with pytest.raises(GlossaryError) as info:
        load_glossary(folder, cache=False)
    err = info.value
    return list(err.errors) if isinstance(err, GlossaryErrors) else [err]


def find(errors: list[GlossaryError], words: str) -> GlossaryError:
    matching = [e for e in errors if words in e.reason]
    assert matching, f"no error mentions {words!r}: {[str(e) for e in errors]}"
    return matching[0]


def assert_names(err: GlossaryError, file: str, line: int, entry: str | None) -> None:
    """The error carries the place as fields and says it in its message."""
    assert err.file is not None and Path(err.file).name == file
    assert err.line == line
    assert err.entry == entry
    assert f"{file}:{line}" in str(err)
    if entry:
        assert f"entry '{entry}'" in str(err)


def test_a_valid_glossary_loads(tmp_path: Path) -> None:
    g = load_glossary(write_glossary(tmp_path, {"e.yaml": GOOD}), cache=False)
    assert sorted(g.entries) == ["uyghur"]
    assert [t.form for t in g.entry("uyghur").terms] == ["Uyghur", "Uighur"]


def test_unknown_term_key(tmp_path: Path) -> None:
    text = GOOD.replace("      type: spelling\n", "      type: spelling\n      spelling_of: Uyghur\n")
    err = find(problems(write_glossary(tmp_path, {"e.yaml": text})), "unknown key 'spelling_of'")
    assert_names(err, "e.yaml", line_of(text, "spelling_of"), "uyghur")
    assert err.term == "Uighur"


def test_duplicate_ids_across_files(tmp_path: Path) -> None:
    folder = write_glossary(tmp_path, {"a.yaml": GOOD, "b.yaml": "# another file\n" + GOOD})
    err = find(problems(folder), "duplicate id")
    assert_names(err, "b.yaml", 2, "uyghur")
    assert "a.yaml:1" in str(err)


def test_duplicate_yaml_keys(tmp_path: Path) -> None:
    text = GOOD.replace("  category: ethnonym\n", "  category: ethnonym\n  label: Uighur\n")
    err = find(problems(write_glossary(tmp_path, {"e.yaml": text})), "duplicate key 'label'")
    assert_names(err, "e.yaml", line_of(text, "label:", nth=2), "uyghur")
    assert f"first on line {line_of(text, 'label:')}" in str(err)


# A second entry (its terms follow) that claims a form of GOOD's entry.
CLONE = """\
    - id: uighur-clone
      label: Uighur clone
      category: ethnonym
      definition: A second entry that claims a form of the first.
      sources: [https://example.org/clone]
      terms:
"""


def test_form_claimed_by_two_entries_without_a_context_rule(tmp_path: Path) -> None:
    other = (
        CLONE
        + """\
        - form: Uighur clone
          lang: en
          type: preferred
        - form: UIGHUR
          lang: en
          type: spelling
    """
    )
    folder = write_glossary(tmp_path, {"a.yaml": GOOD, "b.yaml": other})
    errors = problems(folder)
    err = find(errors, "also claimed by")
    claims = {("a.yaml", line_of(GOOD, "form: Uighur"), "uyghur"), ("b.yaml", line_of(other, "form: UIGHUR"), "uighur-clone")}
    assert (Path(err.file or "").name, err.line, err.entry) in claims
    assert err.term in ("Uighur", "UIGHUR")


def test_two_entries_may_share_a_form_when_both_say_it_is_ambiguous(tmp_path: Path) -> None:
    first = GOOD.replace("      type: spelling\n", "      type: spelling\n      ambiguous: Also a clone.\n")
    other = (
        CLONE
        + """\
        - form: Uighur
          lang: en
          type: preferred
          ambiguous: Also the people.
    """
    )
    g = load_glossary(write_glossary(tmp_path, {"a.yaml": first, "b.yaml": other}), cache=False)
    assert sorted(g.entries) == ["uighur-clone", "uyghur"]


LOADED = """\
- id: three-evil-forces
  label: three evil forces
  category: phrase
  definition: A PRC official phrase.
  neutral: what the PRC calls terrorism, separatism and religious extremism
  sources: [https://example.org/three]
  terms:
    - form: three evil forces
      lang: en
      type: framing
      loaded: true
      used_by: [prc-official]
      note: Official PRC phrase.
"""


# Each case: a glossary file's text with one mistake, the file name, what the error says, a line
# of the text the error must point at, and the entry it must name.
ONE_MISTAKE = [
    pytest.param(
        GOOD.replace("  category: ethnonym\n", "  category: ethnonym\n  colour: red\n"),
        "e.yaml",
        "unknown key 'colour'",
        "colour: red",
        "uyghur",
        id="unknown_entry_key",
    ),
    pytest.param(
        GOOD.replace("      type: spelling\n", '      type: spelling\n      stem: "yes"\n'),
        "e.yaml",
        "'stem' must be true or false",
        "stem:",
        "uyghur",
        id="wrong_type_of_a_flag",
    ),
    pytest.param(
        GOOD[: GOOD.index("  terms:")] + "  terms: Uyghur\n",
        "e.yaml",
        "'terms' must be a list",
        "terms:",
        "uyghur",
        id="wrong_type_of_terms",
    ),
    pytest.param(
        GOOD.replace("  definition: A Turkic-speaking people.\n", ""),
        "e.yaml",
        "missing required field 'definition'",
        "- id: uyghur",
        "uyghur",
        id="missing_required_field",
    ),
    pytest.param(
        GOOD.replace("      lang: en\n      type: spelling", "      lang: xx-Nope\n      type: spelling"),
        "e.yaml",
        "invalid language tag 'xx-Nope'",
        "xx-Nope",
        "uyghur",
        id="invalid_language_tag",
    ),
    pytest.param(
        GOOD.replace("      lang: en\n      type: spelling", "      lang: no\n      type: spelling"),
        "e.yaml",
        "quote language tags",
        "lang: no",
        "uyghur",
        id="unquoted_norwegian_tag_is_caught",
    ),  # Bare ``no`` is the boolean False in YAML; the error says to quote language tags.
    pytest.param(
        LOADED.replace("      note: Official PRC phrase.\n", ""),
        "p.yaml",
        "needs a 'note'",
        "form: three evil forces",
        "three-evil-forces",
        id="loaded_term_without_note",
    ),
    pytest.param(
        LOADED.replace("  neutral: what the PRC calls terrorism, separatism and religious extremism\n", ""),
        "p.yaml",
        "'neutral'",
        "loaded: true",
        "three-evil-forces",
        id="loaded_term_without_neutral",
    ),
]


@pytest.mark.parametrize(("text", "file", "message", "marker", "entry"), ONE_MISTAKE)
def test_one_mistake_is_named_with_file_line_and_entry(
    tmp_path: Path, text: str, file: str, message: str, marker: str, entry: str
) -> None:
    err = find(problems(write_glossary(tmp_path, {file: text})), message)
    assert_names(err, file, line_of(text, marker), entry)


def test_invalid_yaml_names_file_and_line(tmp_path: Path) -> None:
    text = GOOD.replace("  label: Uyghur\n", "  label: [Uyghur\n")
    err = find(problems(write_glossary(tmp_path, {"e.yaml": text})), "invalid YAML")
    assert err.file is not None and Path(err.file).name == "e.yaml"
    assert err.line is not None and line_of(text, "label: [Uyghur") <= err.line <= len(text.splitlines()) + 1


def test_every_problem_is_reported_not_only_the_first(tmp_path: Path) -> None:
    text = GOOD.replace("  category: ethnonym\n", "  category: ethnonym\n  colour: red\n").replace(
        "      type: spelling\n", "      type: spelling\n      stem: maybe\n"
    )
    with pytest.raises(GlossaryErrors) as info:
        load_glossary(write_glossary(tmp_path, {"e.yaml": text}), cache=False)
    reasons = [e.reason for e in info.value.errors]
    assert any("colour" in r for r in reasons) and any("'stem'" in r for r in reasons)
    assert "1 more problem" in str(info.value)


def test_style_preferring_a_form_the_entry_lacks(tmp_path: Path) -> None:
    folder = write_glossary(
        tmp_path, {"e.yaml": GOOD, "styles/house.yaml": "id: house\nlabel: House\nprefer:\n  uyghur: Weiwuer\n"}
    )
    err = find(problems(folder), "not a form of this entry")
    assert err.file is not None and Path(err.file).name == "house.yaml"
    assert err.entry == "uyghur"


def test_missing_glossary_folder(tmp_path: Path) -> None:
    with pytest.raises(GlossaryError) as info:
        load_glossary(tmp_path / "nowhere", cache=False)
    assert "nowhere" in str(info.value)

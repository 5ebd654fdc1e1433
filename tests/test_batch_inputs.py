"""Finding a corpus's documents: folders, globs, JSON Lines, standard input, links, markup."""

from __future__ import annotations

import gzip
import io
import json
import os
from pathlib import Path

import pytest

from termnorm.batch import InputSpec, extract_text, html_to_text, iter_units, markdown_to_text


def make(root: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(content if isinstance(content, bytes) else content.encode())
    return root


def sources(spec: InputSpec, **kw: object) -> list[str]:
    return [u.source for u in iter_units(spec, **kw)]  # type: ignore[arg-type]


def test_folders_are_walked_recursively_in_sorted_order(tmp_path: Path) -> None:
    make(tmp_path, {"b.txt": "x", "a/2.txt": "x", "a/10.txt": "x", "c.md": "x", ".hidden.txt": "x", ".git/config": "x"})
    root = str(tmp_path)
    assert sources(InputSpec((root,))) == [f"{root}/a/10.txt", f"{root}/a/2.txt", f"{root}/b.txt", f"{root}/c.md"]


def test_include_and_exclude_globs(tmp_path: Path) -> None:
    make(tmp_path, {"a.txt": "x", "b.html": "x", "drafts/c.txt": "x", "keep/d.txt": "x"})
    root = str(tmp_path)
    assert sources(InputSpec((root,), include=("*.txt",))) == [f"{root}/a.txt", f"{root}/drafts/c.txt", f"{root}/keep/d.txt"]
    assert sources(InputSpec((root,), include=("*.txt",), exclude=("drafts",))) == [f"{root}/a.txt", f"{root}/keep/d.txt"]
    assert sources(InputSpec((root,), exclude=("keep/*", "*.html"))) == [f"{root}/a.txt", f"{root}/drafts/c.txt"]


def test_the_output_folder_inside_the_corpus_is_not_read(tmp_path: Path) -> None:
    make(tmp_path, {"a.txt": "x", "results/annotations.jsonl": "{}"})
    root = str(tmp_path)
    assert sources(InputSpec((root,), skip=(str(tmp_path / "results"),))) == [f"{root}/a.txt"]


def test_symbolic_link_loops_are_reported_not_followed(tmp_path: Path) -> None:
    make(tmp_path, {"sub/a.txt": "x"})
    os.symlink(tmp_path, tmp_path / "sub" / "back")  # a folder link back up the tree
    os.symlink(tmp_path / "y.txt", tmp_path / "x.txt")  # two file links pointing at each other
    os.symlink(tmp_path / "x.txt", tmp_path / "y.txt")
    units = list(iter_units(InputSpec((str(tmp_path),))))
    problems = {Path(u.source).name: u.problem for u in units if u.problem}
    assert [Path(u.source).name for u in units if not u.problem] == ["a.txt"]
    assert problems["back"] == ("skipped", "symbolic link loop: this folder was already read")
    assert problems["x.txt"][0] == "failed" and "symbolic links" in problems["x.txt"][1]


def test_jsonl_files_stream_one_unit_per_record(tmp_path: Path) -> None:
    lines = [json.dumps({"id": i, "text": f"Uyghur {i}"}) for i in range(3)]
    make(tmp_path, {"dump.jsonl": "\n".join(lines[:2]) + "\n\n" + lines[2] + "\n"})
    (tmp_path / "more.jsonl.gz").write_bytes(gzip.compress((lines[0] + "\n").encode()))
    units = list(iter_units(InputSpec((str(tmp_path / "dump.jsonl"), str(tmp_path / "more.jsonl.gz")))))
    assert [(u.kind, u.source.rsplit("/", 1)[1]) for u in units] == [
        ("record", "dump.jsonl:1"), ("record", "dump.jsonl:2"), ("record", "dump.jsonl:4"), ("record", "more.jsonl.gz:1"),
    ]  # fmt: skip
    assert json.loads(units[2].data or b"")["id"] == 2


def test_a_record_over_the_size_limit_fails_without_reading_it_whole(tmp_path: Path) -> None:
    big = json.dumps({"text": "x" * 5000})
    make(tmp_path, {"d.jsonl": big + "\n" + json.dumps({"text": "Uyghur"}) + "\n"})
    units = list(iter_units(InputSpec((str(tmp_path / "d.jsonl"),), max_bytes=1000)))
    assert units[0].problem is not None and units[0].problem[0] == "failed"
    assert units[1].kind == "record" and units[1].line == 2


def test_resuming_starts_right_after_the_last_finished_unit(tmp_path: Path) -> None:
    make(
        tmp_path,
        {
            "a/1.txt": "x",
            "a/2.txt": "x",
            "a/3.txt": "x",
            "d.jsonl": "".join(json.dumps({"text": str(i)}) + "\n" for i in range(4)),
        },
    )
    spec = InputSpec((str(tmp_path / "a"), str(tmp_path / "d.jsonl")))
    units = list(iter_units(spec))
    for i, unit in enumerate(units):
        rest = [u.source for u in iter_units(spec, after=unit.position)]
        assert rest == [u.source for u in units[i + 1 :]], unit.source


def test_standard_input_is_one_document_or_a_jsonl_stream() -> None:
    [unit] = iter_units(InputSpec(("-",)), stdin=io.BytesIO(b"Uighurs"))
    assert (unit.kind, unit.source, unit.data) == ("text", "<stdin>", b"Uighurs")
    units = list(iter_units(InputSpec(("-",), jsonl=True), stdin=io.BytesIO(b'{"text": "a"}\n{"text": "b"}\n')))
    assert [u.source for u in units] == ["<stdin>:1", "<stdin>:2"]


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("a.html", "html"), ("a.HTM", "html"), ("a.md", "markdown"), ("a.txt", "text"), ("a", "text")],
)
def test_markup_follows_the_file_extension(tmp_path: Path, name: str, fmt: str) -> None:
    make(tmp_path, {name: "x"})
    [unit] = iter_units(InputSpec((str(tmp_path / name),)))
    assert unit.fmt == fmt


def test_html_is_reduced_to_its_readable_text() -> None:
    html = (
        "<html><head><title>Xinjiang</title><style>p{}</style><script>alert('Uighur')</script></head>"
        "<body><nav>Home</nav><h1>Uighurs &amp; the “camps”</h1><p>First <i>paragraph</i>.<br>Line two.</p>"
        "<ul><li>one</li><li>two</li></ul><pre>  kept\n  as is</pre></body></html>"
    )
    assert (
        html_to_text(html)
        == "Xinjiang\n\nHome\n\nUighurs & the “camps”\n\nFirst paragraph.\nLine two.\n\none\n\ntwo\n\n  kept\n  as is\n"
    )


def test_markdown_is_reduced_to_its_readable_text() -> None:
    md = "# Uyghurs\n\nThe *so-called* [centres](https://example.org/x) — ![map](m.png)\n\n> quoted `code`\n\n- a\n- b\n"
    assert markdown_to_text(md) == "Uyghurs\n\nThe so-called centres —\n\nquoted code\n\na\n\nb\n"  # images are not prose


def test_plain_text_is_left_alone() -> None:
    assert extract_text("  <b>Uyghur</b>  \r\n", "text") == "  <b>Uyghur</b>  \r\n"

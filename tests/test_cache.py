"""The compiled-glossary cache: start-up reads it, and a bad or stale one is never trusted.

Each load below starts from an empty in-memory cache, as a new ``termnorm`` process does, and
uses a cache folder of its own (``TERMNORM_CACHE_DIR``).
"""

from __future__ import annotations

import pickle
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import termnorm.compiled
import termnorm.typo_index
from termnorm import Glossary, annotate_text, load_glossary

Load = Callable[..., Glossary]


@pytest.fixture
def glossary_copy(tmp_path: Path, fixture_glossary_path: Path) -> Path:
    """A copy of the test glossary that a test may edit."""
    folder = tmp_path / "glossary"
    shutil.copytree(fixture_glossary_path, folder)
    return folder


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("TERMNORM_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def fresh_load(cache_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Load:
    """``load_glossary`` as a new process runs it: nothing compiled in memory yet."""

    def load(*args: object, **kwargs: object) -> Glossary:
        monkeypatch.setattr(termnorm.compiled, "_MEMORY", {})
        return load_glossary(*args, **kwargs)  # type: ignore[arg-type]

    return load


def _cache_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("glossary-*.pickle")) if folder.is_dir() else []


def _spans(glossary: Glossary, text: str) -> list[tuple[str, str]]:
    return [(a.text, a.entry) for a in annotate_text(text, glossary, fuzzy=False)]


TEXT = "Uighurs in Urumchi, the so-called three evil forces"


def test_first_load_writes_the_cache_and_the_next_reads_it(fresh_load: Load, cache_dir: Path, glossary_copy: Path) -> None:
    compiled = fresh_load(glossary_copy)
    files = _cache_files(cache_dir)
    assert len(files) == 1
    loaded = fresh_load(glossary_copy)
    assert loaded is not compiled  # came from the file, not from memory
    assert _spans(loaded, TEXT) == _spans(compiled, TEXT)
    assert _spans(loaded, TEXT)  # the glossary found something
    assert _cache_files(cache_dir) == files


@pytest.mark.parametrize(
    "damage",
    [b"", b"not a pickle at all", b"\x80\x05\x95garbage", pickle.dumps({"not": "a glossary"})],
    ids=["empty", "text", "truncated", "wrong-object"],
)
def test_a_corrupt_cache_is_rebuilt_silently(fresh_load: Load, cache_dir: Path, glossary_copy: Path, damage: bytes) -> None:
    expected = _spans(fresh_load(glossary_copy), TEXT)
    (path,) = _cache_files(cache_dir)
    path.write_bytes(damage)
    assert _spans(fresh_load(glossary_copy), TEXT) == expected
    assert path.read_bytes() != damage  # written afresh
    assert _spans(fresh_load(glossary_copy), TEXT) == expected


def test_an_edited_glossary_is_compiled_again(fresh_load: Load, cache_dir: Path, glossary_copy: Path) -> None:
    before = fresh_load(glossary_copy)
    assert ("Urumchi", "urumqi") in _spans(before, TEXT)
    places = glossary_copy / "places.yaml"
    places.write_text(places.read_text(encoding="utf-8").replace("form: Urumchi", "form: Wulumuqi"), encoding="utf-8")
    after = fresh_load(glossary_copy)
    assert ("Urumchi", "urumqi") not in _spans(after, TEXT)
    assert ("Wulumuqi", "urumqi") in _spans(after, "Wulumuqi")
    assert len(_cache_files(cache_dir)) == 2  # one per content


def test_a_cache_from_other_code_is_not_used(
    fresh_load: Load, cache_dir: Path, glossary_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh_load(glossary_copy)
    monkeypatch.setattr(termnorm.compiled, "_version", lambda: "0.0.0-other")
    fresh_load(glossary_copy)
    assert len(_cache_files(cache_dir)) == 2


def test_no_cache_neither_reads_nor_writes(fresh_load: Load, cache_dir: Path, glossary_copy: Path) -> None:
    fresh_load(glossary_copy, cache=False)
    assert _cache_files(cache_dir) == []
    fresh_load(glossary_copy)
    (path,) = _cache_files(cache_dir)
    path.write_bytes(b"garbage")
    assert _spans(fresh_load(glossary_copy, cache=False), TEXT)
    assert path.read_bytes() == b"garbage"  # left alone


def test_an_unwritable_cache_folder_only_costs_time(
    fresh_load: Load, tmp_path: Path, glossary_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("in the way")
    monkeypatch.setenv("TERMNORM_CACHE_DIR", str(blocker / "cache"))
    assert _spans(fresh_load(glossary_copy), TEXT)


def test_the_compiled_cache_holds_no_numpy_arrays(fresh_load: Load, cache_dir: Path, glossary_copy: Path) -> None:
    glossary = fresh_load(glossary_copy)
    annotate_text("新疆 " * 30_000, glossary, fuzzy=False)  # long text: the numpy tables get built
    (path,) = _cache_files(cache_dir)
    path.unlink()
    termnorm.compiled._write_cache(path.name.removesuffix(".pickle"), glossary)
    assert b"numpy" not in path.read_bytes()  # so loading it never imports numpy


def test_cli_no_cache_writes_nothing(run_cli: Callable[..., Any], tmp_path: Path, glossary_copy: Path) -> None:
    folder = tmp_path / "cli-cache"
    done = run_cli(
        ["normalize", "--no-cache", "--glossary", str(glossary_copy), "-"],
        input="Uighurs\n",
        env={"TERMNORM_CACHE_DIR": str(folder)},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "Uyghurs\n"
    assert _cache_files(folder) == []
    done = run_cli(
        ["normalize", "--glossary", str(glossary_copy), "-"], input="Uighurs\n", env={"TERMNORM_CACHE_DIR": str(folder)}
    )
    assert done.stdout == "Uyghurs\n"
    assert len(_cache_files(folder)) == 1


def test_the_typo_layer_starts_from_its_cache(fresh_load: Load, cache_dir: Path, glossary_copy: Path) -> None:
    # The typo targets are cached in a file of their own when first used: a new process that
    # annotates a text of glossary words then neither rebuilds them nor reads the word list,
    # and one that never uses the typo layer does not load them at all.
    import subprocess
    import sys

    glossary = fresh_load(glossary_copy)
    assert not list(cache_dir.glob("typo-*.pickle"))
    annotate_text("Uighur", glossary)  # the typo layer's first use writes its cache
    assert len(list(cache_dir.glob("typo-*.pickle"))) == 1
    code = (
        "import sys, termnorm.typo_index as t\n"
        "from termnorm import load_glossary, annotate_text\n"
        f"g = load_glossary({str(glossary_copy)!r})\n"
        "built = []\n"
        "t.FuzzyIndex._build = lambda self: built.append(1)\n"
        "plain = len(annotate_text('Uighur', g, fuzzy=False)), g._typo is None\n"
        "found = annotate_text('Uighur', g)\n"
        "print(*plain, len(found), len(built), t.english_words.cache_info().currsize)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["1", "True", "1", "0", "0"]
    fresh = termnorm.typo_index.FuzzyIndex(load_glossary(glossary_copy, cache=False).matcher)
    assert fresh.static == glossary.typo_targets()


def test_no_cache_after_a_cached_load_writes_no_typo_targets(fresh_load: Load, cache_dir: Path, glossary_copy: Path) -> None:
    fresh_load(glossary_copy)  # cached, kept in memory
    annotate_text("Uighur", load_glossary(glossary_copy, cache=False))  # the typo layer, without the cache
    assert not list(cache_dir.glob("typo-*.pickle"))

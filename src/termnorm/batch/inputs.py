"""What a batch run reads: files, folders, JSON Lines corpora and standard input, as work units.

:func:`iter_units` turns the command-line inputs into a lazy, deterministic stream of
:class:`Unit` s: one per file, one per line of a JSON Lines corpus, one for standard input.
Folders are walked recursively in sorted order (so output order never depends on the file
system), following symbolic links to folders once (a link back up the tree is reported, not
followed). Nothing is read ahead: a 5 GB corpus streams one line at a time.

Each unit carries a :class:`Position`; a resumed run starts right after the last finished one.
"""

from __future__ import annotations

import fnmatch
import gzip
import os
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any, BinaryIO

from .markup import FORMATS, format_of

JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz")
STDIN = "-"
_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True, order=True)
class Position:
    """Where a unit sits in the input stream: argument, file within it, line, byte offset after it."""

    arg: int
    ordinal: int = 0
    line: int = 0
    offset: int = 0

    def to_list(self) -> list[int]:
        return [self.arg, self.ordinal, self.line, self.offset]


@dataclass(frozen=True, slots=True)
class InputSpec:
    """How to find and read the documents of a run (the parts of the options that concern input)."""

    paths: tuple[str, ...]
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    jsonl: bool = False  # read every input (and standard input) as JSON Lines
    markup: str = "auto"  # auto (by file extension), text, html or markdown
    max_bytes: int = 128 * 1024 * 1024
    skip: tuple[str, ...] = ()  # folders never to enter (the output folder)


@dataclass(frozen=True, slots=True)
class Unit:
    """One document to process: a file to read, a JSON Lines record, or a problem to report.

    ``kind`` is ``file`` (the worker reads ``path``), ``record`` (``data`` holds one JSON line),
    ``text`` (``data`` holds a whole document, from standard input) or ``problem`` (nothing to
    read; ``problem`` holds the status and reason to report).
    """

    kind: str
    source: str
    position: Position
    size: int = 0
    path: str | None = None
    data: bytes | None = None
    fmt: str = "text"
    line: int = 0
    problem: tuple[str, str] | None = None


def iter_units(spec: InputSpec, after: Position | None = None, stdin: BinaryIO | None = None) -> Iterator[Unit]:
    """Every unit of the inputs in order; with ``after``, only those after that position."""
    for arg, path in enumerate(spec.paths):
        if after is not None and arg < after.arg:
            continue
        start = after if after is not None and arg == after.arg else None
        if path == STDIN:
            yield from _stdin_units(spec, arg, start, stdin)
            continue
        p = Path(path)
        if p.is_dir():
            yield from _folder_units(spec, arg, path, start)
        elif start is None or (start.line and _is_jsonl(spec, path)):
            yield from _file_units(spec, Position(arg), path, p, start)


def total_bytes(spec: InputSpec) -> int | None:
    """The size of all input files (for progress and ETA); None when standard input is read."""
    if STDIN in spec.paths:
        return None
    total = 0
    for arg, path in enumerate(spec.paths):
        p = Path(path)
        if p.is_dir():
            total += sum(size for _, _, size, _ in _walk(spec, arg, path))
        else:
            total += _size(p)
    return total


def _size(p: Path) -> int:
    try:
        return p.stat().st_size
    except OSError:
        return 0


def _is_jsonl(spec: InputSpec, name: str) -> bool:
    return spec.jsonl or name.lower().endswith(JSONL_SUFFIXES)


def _fmt(spec: InputSpec, name: str) -> str:
    return format_of(name) if spec.markup == "auto" else spec.markup


def _file_units(
    spec: InputSpec, pos: Position, source: str, p: Path, start: Position | None, size: int | None = None
) -> Iterator[Unit]:
    if not _is_jsonl(spec, source):
        yield Unit("file", source, pos, size=_size(p) if size is None else size, path=str(p), fmt=_fmt(spec, source))
        return
    opener: Any = gzip.open if source.lower().endswith(".gz") else open
    try:
        with opener(p, "rb") as fh:
            yield from _records(spec, pos, source, fh, start)
    except OSError as exc:  # opening it (reading errors become problems in _records)
        yield Unit("problem", source, pos, problem=("failed", f"cannot read: {exc.strerror or exc}"))


def _records(spec: InputSpec, pos: Position, source: str, fh: BinaryIO, start: Position | None) -> Iterator[Unit]:
    """One unit per non-blank line of a JSON Lines stream (blank lines are not documents)."""
    line, offset = 0, 0
    fmt = "text" if spec.markup == "auto" else spec.markup
    if start is not None and start.line:
        line, offset = start.line, start.offset
        fh.seek(offset)
    while True:
        try:
            raw = fh.readline(spec.max_bytes + 1)
        except (OSError, EOFError) as exc:
            yield Unit("problem", f"{source}:{line + 1}", pos, problem=("failed", f"cannot read: {exc}"))
            return
        if not raw:
            return
        line += 1
        offset += len(raw)
        here = Position(pos.arg, pos.ordinal, line, offset)
        if len(raw) > spec.max_bytes and not raw.endswith(b"\n"):
            skipped = _skip_line(fh)
            offset += skipped
            here = Position(pos.arg, pos.ordinal, line, offset)
            reason = f"record larger than the limit of {spec.max_bytes} bytes"
            yield Unit("problem", f"{source}:{line}", here, size=len(raw) + skipped, problem=("failed", reason))
        elif raw.strip():
            yield Unit("record", f"{source}:{line}", here, size=len(raw), data=raw, fmt=fmt, line=line)


def _skip_line(fh: BinaryIO) -> int:
    skipped = 0
    while chunk := fh.readline(_CHUNK):
        skipped += len(chunk)
        if chunk.endswith(b"\n"):
            break
    return skipped


def _stdin_units(spec: InputSpec, arg: int, start: Position | None, stdin: BinaryIO | None) -> Iterator[Unit]:
    if stdin is None:
        import sys

        stdin = sys.stdin.buffer
    if spec.jsonl:
        yield from _records(spec, Position(arg), "<stdin>", stdin, start)
        return
    data = stdin.read(spec.max_bytes + 1)
    if len(data) > spec.max_bytes:
        yield Unit("problem", "<stdin>", Position(arg), problem=("failed", f"larger than the limit of {spec.max_bytes} bytes"))
        return
    fmt = "text" if spec.markup == "auto" else spec.markup
    yield Unit("text", "<stdin>", Position(arg), size=len(data), data=data, fmt=fmt)


def _folder_units(spec: InputSpec, arg: int, root: str, start: Position | None) -> Iterator[Unit]:
    for ordinal, (source, full, size, problem) in enumerate(_walk(spec, arg, root), start=1):
        pos = Position(arg, ordinal)
        if start is not None and ordinal < start.ordinal:
            continue
        if problem is not None:
            if start is None or ordinal > start.ordinal:
                yield Unit("problem", source, pos, problem=problem)
            continue
        if start is not None and ordinal == start.ordinal:
            if _is_jsonl(spec, source) and start.line:
                yield from _file_units(spec, pos, source, Path(full), start)
            continue
        yield from _file_units(spec, pos, source, Path(full), None, size)


def _walk(spec: InputSpec, arg: int, root: str) -> Iterator[tuple[str, str, int, tuple[str, str] | None]]:
    """(source, path, size, problem) for every file under ``root``, depth first in sorted order."""
    skip = {os.path.realpath(s) for s in spec.skip}
    seen: set[tuple[int, int]] = set()
    try:
        st = os.stat(root)
        seen.add((st.st_dev, st.st_ino))
    except OSError:
        pass
    stack: list[tuple[str, str]] = [(root, "")]
    yield from _walk_folder(spec, stack, seen, skip)


def _walk_folder(
    spec: InputSpec, stack: list[tuple[str, str]], seen: set[tuple[int, int]], skip: set[str]
) -> Iterator[tuple[str, str, int, tuple[str, str] | None]]:
    folder, rel = stack[-1]
    try:
        names = sorted(os.listdir(folder))
    except OSError as exc:
        yield _display(stack[0][0], rel or "."), folder, 0, ("failed", f"cannot list folder: {exc.strerror or exc}")
        return
    for name in names:
        if name.startswith("."):
            continue  # hidden files and folders (.git, .DS_Store, our own state)
        full = os.path.join(folder, name)
        rel_name = f"{rel}/{name}" if rel else name
        source = _display(stack[0][0], rel_name)
        try:
            st = os.stat(full)
        except OSError as exc:
            if _wanted(spec, rel_name, name):
                yield source, full, 0, ("failed", f"cannot read: {exc.strerror or exc}")
            continue
        if stat.S_ISDIR(st.st_mode):
            if _excluded(spec, rel_name, name) or os.path.realpath(full) in skip:
                continue
            if (st.st_dev, st.st_ino) in seen:
                yield source, full, 0, ("skipped", "symbolic link loop: this folder was already read")
                continue
            seen.add((st.st_dev, st.st_ino))
            stack.append((full, rel_name))
            yield from _walk_folder(spec, stack, seen, skip)
            stack.pop()
        elif stat.S_ISREG(st.st_mode) and _wanted(spec, rel_name, name):
            yield source, full, st.st_size, None


def _display(root: str, rel: str) -> str:
    return str(PurePath(root, rel))


def _matches(patterns: Sequence[str], rel: str, name: str) -> bool:
    return any(fnmatch.fnmatchcase(rel, p) or ("/" not in p and fnmatch.fnmatchcase(name, p)) for p in patterns)


def _excluded(spec: InputSpec, rel: str, name: str) -> bool:
    return _matches(spec.exclude, rel, name)


def _wanted(spec: InputSpec, rel: str, name: str) -> bool:
    if _excluded(spec, rel, name):
        return False
    return not spec.include or _matches(spec.include, rel, name)


def check_markup(markup: str) -> str:
    """Validate a ``--markup`` value.

    >>> check_markup("html")
    'html'
    """
    if markup != "auto" and markup not in FORMATS:
        raise ValueError(f"unknown markup '{markup}'")
    return markup

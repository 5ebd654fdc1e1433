"""What every command shares: glossary options, error reporting, output."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from ..compiled import Glossary, load_glossary
from ..errors import TermnormError
from ..textio import write_atomic

GlossaryOpt = Annotated[
    Path | None,
    typer.Option("--glossary", help="Glossary folder or file to use instead of the bundled one.", show_default=False),
]
ExtraGlossaryOpt = Annotated[
    list[Path] | None,
    typer.Option("--extra-glossary", help="Folder or file of your own entries, layered on top (repeatable).", show_default=False),
]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="Compile the glossary afresh; do not read or write the cache.")]
StyleOpt = Annotated[str, typer.Option("--style", "-s", help="House style: default, ap, prc-english, or one of your glossary's.")]
OutOpt = Annotated[
    Path | None,
    typer.Option("--out", "-o", help="Write to this file (atomically) instead of standard output.", show_default=False),
]
ColorOpt = Annotated[
    bool | None,
    typer.Option(
        "--color/--no-color", help="Force colour on or off (default: on a terminal, unless NO_COLOR is set).", show_default=False
    ),
]


class TextOrJson(str, Enum):
    """Output format of commands that print either a readable view or JSON."""

    text = "text"
    json = "json"


def fail(error: TermnormError) -> typer.Exit:
    """Print one error line (and a hint) to standard error; the caller raises the returned Exit."""
    print(f"termnorm: error: {error}", file=sys.stderr)
    if error.hint:
        print(f"termnorm: hint: {error.hint}", file=sys.stderr)
    return typer.Exit(1)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn termnorm's own errors into one line on standard error and exit code 1."""
    try:
        yield
    except TermnormError as exc:
        raise fail(exc) from None


def get_glossary(glossary: Path | None, extra: list[Path] | None, no_cache: bool) -> Glossary:
    """Load the glossary the options name."""
    return load_glossary(glossary, extra or (), cache=not no_cache)


def emit(text: str, out: Path | None) -> None:
    """Write a command's result to ``--out`` atomically, or to standard output."""
    if out is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        write_atomic(out, text)

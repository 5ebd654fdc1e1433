"""``termnorm normalize``: rewrite spelling variants to a house style."""

from __future__ import annotations

import sys
from enum import Enum
from typing import Annotated

import typer

from ..formats import line_col
from ..normalize import normalize_text, unified_diff
from ..rewrite import RewriteOptions
from ..textio import read_input, write_atomic
from . import app
from .common import ExtraGlossaryOpt, GlossaryOpt, NoCacheOpt, OutOpt, StyleOpt, emit, get_glossary, user_errors


class Rewrite(str, Enum):
    loaded = "loaded"


@app.command()
def normalize(
    files: Annotated[list[str], typer.Argument(help="Files to normalize, or - for standard input.")],
    style: StyleOpt = "default",
    rewrite: Annotated[
        list[Rewrite] | None,
        typer.Option("--rewrite", help="Also rewrite 'loaded' (framing) terms to the entry's neutral wording."),
    ] = None,
    fix_typos: Annotated[
        bool, typer.Option("--fix-typos", help="Rewrite every fuzzy (misspelled) match, not only near-certain ones.")
    ] = False,
    diff: Annotated[bool, typer.Option("--diff", help="Print a unified diff instead of the text.")] = False,
    explain: Annotated[bool, typer.Option("--explain", help="List every change with its entry instead of the text.")] = False,
    in_place: Annotated[bool, typer.Option("--in-place", help="Rewrite the files themselves (atomically).")] = False,
    out: OutOpt = None,
    glossary: GlossaryOpt = None,
    extra_glossary: ExtraGlossaryOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """Rewrite spelling, romanization and misspelling variants to the style's preferred forms.

    Framing and loaded terms are left alone unless --rewrite loaded asks; every change is
    listed by --explain.
    """
    if out is not None and (len(files) != 1 or in_place):
        raise typer.BadParameter("--out takes a single input and cannot be combined with --in-place", param_hint="--out")
    if in_place and "-" in files:
        raise typer.BadParameter("standard input cannot be rewritten in place", param_hint="--in-place")
    options = RewriteOptions(rewrite_loaded=bool(rewrite), fix_typos=fix_typos)
    with user_errors():
        g = get_glossary(glossary, extra_glossary, no_cache)
        g.style(style)
        chunks: list[str] = []
        for name in files:
            text = read_input(name)
            result = normalize_text(text, g, style=style, options=options)
            if explain:
                for c in result.changes:
                    line, col = line_col(text, c.start)
                    chunks.append(
                        f"{name}:{line}:{col}: {c.original} -> {c.replacement}  [{c.entry}, {c.reason}: {c.term} ({c.type})]\n"
                    )
            elif diff:
                chunks.append(unified_diff(text, result.text, "<stdin>" if name == "-" else name))
            elif in_place:
                if result.changes:
                    write_atomic(name, result.text)
                print(f"{name}: {len(result.changes)} changes", file=sys.stderr)
            else:
                chunks.append(result.text)
        if not in_place:
            emit("".join(chunks), out)

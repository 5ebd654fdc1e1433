"""``termnorm annotate``: every term in a text, with who uses it and a neutral alternative."""

from __future__ import annotations

import sys
from enum import Enum
from typing import Annotated

import typer

from ..annotate import DocumentResult, annotate_document
from ..formats import render_document, to_csv, to_json_line, use_color
from ..rewrite import RewriteOptions
from ..textio import read_input
from . import app
from .common import ColorOpt, ExtraGlossaryOpt, GlossaryOpt, NoCacheOpt, OutOpt, StyleOpt, emit, get_glossary, user_errors


class Format(str, Enum):
    text = "text"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"


class FailOn(str, Enum):
    loaded = "loaded"
    any = "any"
    ambiguous = "ambiguous"


@app.command()
def annotate(
    files: Annotated[list[str], typer.Argument(help="Files to annotate, or - for standard input.")],
    format: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.text,
    style: StyleOpt = "default",
    fail_on: Annotated[
        FailOn | None, typer.Option("--fail-on", help="Exit with code 3 when such terms are found (for editorial CI).")
    ] = None,
    explain: Annotated[bool, typer.Option("--explain", help="Show which form, fold or fuzzy rule fired for each match.")] = False,
    fuzzy: Annotated[bool, typer.Option("--fuzzy/--no-fuzzy", help="Also find misspelled forms.")] = True,
    out: OutOpt = None,
    color: ColorOpt = None,
    glossary: GlossaryOpt = None,
    extra_glossary: ExtraGlossaryOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """Annotate every glossary term in the files: entry, type, who uses it, whether it is quoted."""
    with user_errors():
        g = get_glossary(glossary, extra_glossary, no_cache)
        g.style(style)
        results: list[DocumentResult] = []
        texts: list[str] = []
        for name in files:
            text = read_input(name)
            texts.append(text)
            results.append(
                annotate_document(
                    text, g, source="<stdin>" if name == "-" else name, style=style, options=RewriteOptions(), fuzzy=fuzzy
                )
            )
        if format is Format.jsonl:
            body = "".join(to_json_line(r) + "\n" for r in results)
        elif format is Format.json:
            import json

            docs = [r.to_dict() for r in results]
            body = json.dumps(docs[0] if len(docs) == 1 else docs, ensure_ascii=False, indent=2) + "\n"
        elif format is Format.csv:
            body = to_csv(results)
        else:
            paint = use_color(sys.stdout, color) and out is None
            if explain:
                from ..explain import explain_document

                body = "".join(explain_document(t, g, r, color=paint) for t, r in zip(texts, results, strict=True))
            else:
                body = "".join(render_document(r, t, color=paint) for r, t in zip(results, texts, strict=True))
        emit(body, out)
    if fail_on is not None and _found(results, fail_on):
        raise typer.Exit(3)


def _found(results: list[DocumentResult], fail_on: FailOn) -> bool:
    for r in results:
        for a in r.annotations:
            if fail_on is FailOn.any or (fail_on is FailOn.loaded and a.loaded) or (fail_on is FailOn.ambiguous and a.ambiguous):
                return True
    return False

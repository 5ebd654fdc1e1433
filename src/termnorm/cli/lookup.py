"""``termnorm lookup``: the entry card for an id or any form, in any language or script."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from ..formats import entry_dict, render_card, use_color
from ..lookup import lookup as find_entries
from . import app
from .common import ColorOpt, ExtraGlossaryOpt, GlossaryOpt, NoCacheOpt, TextOrJson, emit, get_glossary, user_errors


@app.command()
def lookup(
    query: Annotated[str, typer.Argument(help="An entry id or any form: uighur, 維吾爾, ئۇيغۇر, Urumchi …")],
    format: Annotated[TextOrJson, typer.Option("--format", "-f", help="Output format.")] = TextOrJson.text,
    color: ColorOpt = None,
    glossary: GlossaryOpt = None,
    extra_glossary: ExtraGlossaryOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """Show the glossary entry for a term: definition, every form by language, usage, notes, sources."""
    with user_errors():
        g = get_glossary(glossary, extra_glossary, no_cache)
        entries = find_entries(query, g)
        if format is TextOrJson.json:
            docs = [entry_dict(e) for e in entries]
            emit(json.dumps(docs[0] if len(docs) == 1 else docs, ensure_ascii=False, indent=2) + "\n", None)
        else:
            paint = use_color(sys.stdout, color)
            emit("\n".join(render_card(e, color=paint) for e in entries), None)

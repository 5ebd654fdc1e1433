"""``termnorm glossary check | stats | export``: tooling for the glossary's curators."""

from __future__ import annotations

import json
import sys
from enum import Enum
from typing import Annotated

import typer

from ..checks import check_glossary, glossary_stats
from . import app
from .common import ExtraGlossaryOpt, GlossaryOpt, NoCacheOpt, OutOpt, TextOrJson, emit, get_glossary, user_errors

glossary_app = typer.Typer(help="Check, count and export the glossary.", no_args_is_help=True)
app.add_typer(glossary_app, name="glossary")


class ExportFormat(str, Enum):
    tbx = "tbx"
    csv = "csv"
    json = "json"


@glossary_app.command()
def check(
    glossary: GlossaryOpt = None,
    extra_glossary: ExtraGlossaryOpt = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print errors only.")] = False,
) -> None:
    """Validate the glossary: schema, conflicts, loaded terms without note/source/neutral, OpenCC renderings."""
    report = check_glossary(glossary, extra_glossary or ())
    for err in report.errors:
        print(f"error: {err}")
    if not quiet:
        for w in report.warnings:
            print(f"warning: {w}")
        if report.ambiguous:
            print(f"ambiguous or context-ruled forms ({len(report.ambiguous)}):")
            for a in report.ambiguous:
                print(f"  {a}")
    if report.errors:
        print(f"termnorm: error: the glossary has {len(report.errors)} problems", file=sys.stderr)
        raise typer.Exit(1)
    g = report.glossary
    assert g is not None
    print(f"ok: {len(g.entries)} entries, {len(g.terms)} forms, {len(report.warnings)} warnings")


@glossary_app.command()
def stats(
    format: Annotated[TextOrJson, typer.Option("--format", "-f", help="Output format.")] = TextOrJson.text,
    glossary: GlossaryOpt = None,
    extra_glossary: ExtraGlossaryOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """Count entries and forms by category, language, type and status; the loaded share."""
    with user_errors():
        data = glossary_stats(get_glossary(glossary, extra_glossary, no_cache))
    if format is TextOrJson.json:
        emit(json.dumps(data, ensure_ascii=False, indent=2) + "\n", None)
        return
    lines = [
        f"{data['entries']} entries, {data['forms']} forms ({data['derived_forms']} derived), {data['loaded_forms']} loaded ({data['loaded_share']:.0%})"
    ]
    for key in ("categories", "languages", "types", "statuses", "used_by"):
        lines.append(f"{key}: " + ", ".join(f"{k} {v}" for k, v in data[key].items()))
    emit("\n".join(lines) + "\n", None)


@glossary_app.command()
def export(
    format: Annotated[
        ExportFormat, typer.Option("--format", "-f", help="tbx (TBX-Basic for translation tools), csv or json.")
    ] = ExportFormat.tbx,
    out: OutOpt = None,
    glossary: GlossaryOpt = None,
    extra_glossary: ExtraGlossaryOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """Export the glossary, derived forms included, for translation tools and spreadsheets."""
    from .. import export as exporters

    with user_errors():
        g = get_glossary(glossary, extra_glossary, no_cache)
        body = {"tbx": exporters.to_tbx, "csv": exporters.to_csv, "json": exporters.to_json}[format.value](g)
        emit(body, out)

"""The ``termnorm`` command line: a thin layer over the library."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="termnorm",
    help="Find, normalize and explain the contested vocabulary of reporting on Xinjiang and the Uyghurs.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

from . import annotate, batch, glossary, lookup, normalize  # noqa: E402,F401  (registers the commands)


def _version_callback(value: bool) -> None:
    if value:
        from .. import __version__

        typer.echo(f"termnorm {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version_callback, is_eager=True, help="Show the version and exit."
    ),
) -> None:
    """Find, normalize and explain the contested vocabulary of reporting on Xinjiang and the Uyghurs."""


def main() -> None:
    """Entry point of the ``termnorm`` console script."""
    app()

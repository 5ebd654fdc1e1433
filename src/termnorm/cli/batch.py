"""``termnorm batch``: annotate whole corpora (see termnorm.batch)."""

from __future__ import annotations

import signal
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from . import app
from .common import ExtraGlossaryOpt, GlossaryOpt, NoCacheOpt, StyleOpt, fail, user_errors

if TYPE_CHECKING:
    from ..batch import BatchSummary, Progress


class Markup(str, Enum):
    auto = "auto"
    text = "text"
    html = "html"
    markdown = "markdown"


@app.command()
def batch(
    inputs: Annotated[
        list[str], typer.Argument(help="Files, folders, JSON Lines files (.jsonl, .ndjson, .jsonl.gz), or - for standard input.")
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for the results (created if needed).")],
    include: Annotated[
        list[str] | None, typer.Option("--include", help="Only files matching this glob, e.g. '*.txt' (repeatable).")
    ] = None,
    exclude: Annotated[
        list[str] | None, typer.Option("--exclude", help="Leave out files and folders matching this glob (repeatable).")
    ] = None,
    jsonl: Annotated[bool, typer.Option("--jsonl", help="Read every input, and standard input, as JSON Lines.")] = False,
    text_field: Annotated[str, typer.Option("--text-field", help="JSON Lines field holding the text (a.b for nested).")] = "text",
    id_field: Annotated[str, typer.Option("--id-field", help="JSON Lines field holding the document id.")] = "id",
    markup: Annotated[
        Markup,
        typer.Option("--markup", help="How to read documents: by file extension (auto), or all as text, html or markdown."),
    ] = Markup.auto,
    jobs: Annotated[
        int | None, typer.Option("--jobs", "-j", help="Worker processes (default: one per core).", show_default=False, min=1)
    ] = None,
    resume: Annotated[bool, typer.Option("--resume", help="Continue an interrupted run in --out where it stopped.")] = False,
    restart: Annotated[bool, typer.Option("--restart", help="Discard an interrupted run in --out and start over.")] = False,
    style: StyleOpt = "default",
    fuzzy: Annotated[bool, typer.Option("--fuzzy/--no-fuzzy", help="Also find misspelled forms.")] = True,
    with_text: Annotated[
        bool, typer.Option("--with-text", help="Put each document's (extracted) text into annotations.jsonl.")
    ] = False,
    report_documents: Annotated[
        int, typer.Option("--report-documents", help="Documents shown in full in report.html.", min=0)
    ] = 500,
    max_mb: Annotated[int, typer.Option("--max-mb", help="Fail documents larger than this many megabytes.", min=1)] = 128,
    checkpoint_seconds: Annotated[float, typer.Option("--checkpoint-seconds", hidden=True, min=0.0)] = 2.0,
    progress: Annotated[
        bool | None, typer.Option("--progress/--no-progress", help="Progress bar (default: on a terminal).", show_default=False)
    ] = None,
    glossary: GlossaryOpt = None,
    extra_glossary: ExtraGlossaryOpt = None,
    no_cache: NoCacheOpt = False,
) -> None:
    """Annotate a corpus into --out: annotations.jsonl/.csv, summary.json/.csv, errors.jsonl, report.html.

    Exit code: 0 when every document was annotated (empty and binary files are skipped and listed in errors.jsonl), 1 when a document failed or the run could not start, 130 when interrupted (run the same command with --resume to continue).
    """
    from ..batch import BatchInterrupted, BatchOptions, run_batch  # imported here: other commands start faster

    options = BatchOptions(
        inputs=tuple(inputs), out=out, include=tuple(include or ()), exclude=tuple(exclude or ()), jsonl=jsonl,
        markup=markup.value, text_field=text_field, id_field=id_field, style=style, fuzzy=fuzzy, with_text=with_text,
        report_documents=report_documents, max_bytes=max_mb * 1024 * 1024, glossary=glossary,
        extra_glossary=tuple(extra_glossary or ()), cache=not no_cache, jobs=jobs, resume=resume, restart=restart,
        checkpoint_seconds=checkpoint_seconds,
    )  # fmt: skip
    show = sys.stderr.isatty() if progress is None else progress
    with user_errors():
        try:
            with _sigterm_as_interrupt(), _progress_bar(show) as on_progress:
                summary = run_batch(options, progress=on_progress)
        except BatchInterrupted as exc:
            fail(exc)
            raise typer.Exit(130) from None
    print(_summary_line(summary), file=sys.stderr)
    raise typer.Exit(summary.exit_code)


def _summary_line(s: BatchSummary) -> str:
    resumed = f" ({s.resumed} done before resuming)" if s.resumed else ""
    line = (
        f"termnorm: {s.documents} document{'s' if s.documents != 1 else ''}{resumed}: {s.annotated} annotated, {s.skipped} skipped, {s.failed} failed; "
        f"{s.annotations} terms, {s.loaded} loaded; results in {s.out}/ (open report.html)"
    )
    if s.skipped or s.failed:
        line += f"\ntermnorm: see {s.out / 'errors.jsonl'} for the skipped and failed documents"
    return line


@contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """SIGTERM stops a run like Ctrl-C does: the work so far is checkpointed for --resume."""

    def handler(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def _progress_bar(show: bool) -> Iterator[Callable[[Progress], None] | None]:
    """A rich progress bar on standard error: documents, documents/s, ETA (from bytes read)."""
    if not show:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn
    from rich.progress import Progress as Bar

    bar = Bar(
        TextColumn("[bold]annotating"),
        BarColumn(),
        TextColumn("{task.fields[docs]} docs · {task.fields[rate]} docs/s · {task.fields[bad]}"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=False,
    )
    task = bar.add_task("annotating", total=None, docs=0, rate="–", bad="0 failed")
    started = time.monotonic()

    def update(p: Progress) -> None:
        elapsed = max(time.monotonic() - started, 1e-6)
        rate = (p.documents - p.resumed) / elapsed
        bad = f"{p.failed} failed, {p.skipped} skipped"
        bar.update(task, total=p.bytes_total, completed=p.bytes_done, docs=f"{p.documents:,}", rate=f"{rate:,.0f}", bad=bad)

    with bar:
        yield update

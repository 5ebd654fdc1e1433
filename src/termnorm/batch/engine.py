"""Running a batch: stream the units, annotate them on a process pool, write results in order.

Memory stays bounded whatever the corpus size: units are read lazily and handed to the pool
(:mod:`termnorm.batch.pool`) a few batches at a time; results are written as soon as the batches
before them are done, so output order is input order whatever the number of workers.

Checkpoints every few seconds make the run resumable (see :mod:`termnorm.batch.outputs`). On
Ctrl-C or SIGTERM (raise KeyboardInterrupt for it) the workers are stopped, a last checkpoint is
written and :class:`BatchInterrupted` is raised: run again with ``resume=True`` to continue.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from ..compiled import Glossary, load_glossary
from ..errors import InputError
from ..formats import CSV_FIELDS
from .document import DocumentSettings, Outcome
from .inputs import STDIN, InputSpec, Position, iter_units, total_bytes
from .outputs import BatchError, RunFolder
from .pool import UnitMeta, batches, execute
from .summary import CorpusTotals, csv_header


@dataclass(frozen=True)
class BatchOptions:
    """Everything a batch run needs. ``inputs`` are files, folders, JSON Lines files or ``-``."""

    inputs: tuple[str, ...]
    out: Path
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    jsonl: bool = False
    markup: str = "auto"
    text_field: str = "text"
    id_field: str = "id"
    style: str = "default"
    fuzzy: bool = True
    with_text: bool = False
    report_documents: int = 500
    report_chars: int = 200_000
    max_bytes: int = 128 * 1024 * 1024
    glossary: Path | None = None
    extra_glossary: tuple[Path, ...] = ()
    cache: bool = True
    jobs: int | None = None  # None: one worker per core
    resume: bool = False
    restart: bool = False
    checkpoint_seconds: float = 2.0

    def fingerprint(self, glossary: Glossary) -> dict[str, Any]:
        """What must not change between a run and its resumption (the number of workers may)."""
        from .. import __version__

        return {
            "termnorm": __version__,
            "glossary": glossary.content_hash,
            "inputs": [p if p == STDIN else os.path.abspath(p) for p in self.inputs],
            "include": list(self.include), "exclude": list(self.exclude), "jsonl": self.jsonl, "markup": self.markup,
            "text_field": self.text_field, "id_field": self.id_field, "style": self.style, "fuzzy": self.fuzzy,
            "with_text": self.with_text, "report_documents": self.report_documents, "report_chars": self.report_chars,
            "max_bytes": self.max_bytes,
        }  # fmt: skip


@dataclass(frozen=True)
class Progress:
    """How far a run is: documents and input bytes done (``bytes_total`` is None when unknown)."""

    documents: int
    failed: int
    skipped: int
    bytes_done: int
    bytes_total: int | None
    resumed: int = 0  # documents already done by the run this one resumes


@dataclass(frozen=True)
class BatchSummary:
    """The result of a finished run. ``exit_code`` is 0 when no document failed, else 1."""

    out: Path
    documents: int
    annotated: int
    skipped: int
    failed: int
    annotations: int
    loaded: int
    warnings: int
    resumed: int
    outputs: tuple[Path, ...] = field(default_factory=tuple)

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0


class BatchInterrupted(BatchError):
    """The run was stopped (Ctrl-C, SIGTERM); its work so far is saved and can be resumed."""

    def __init__(self, out: Path, documents: int) -> None:
        self.documents = documents
        super().__init__(
            f"interrupted after {documents} document{'s' if documents != 1 else ''}; the work so far is saved in {out}",
            hint=f"run the same command with --resume to continue (results go to {out})",
        )


def run_batch(
    options: BatchOptions, *, progress: Callable[[Progress], None] | None = None, stdin: BinaryIO | None = None
) -> BatchSummary:
    """Annotate every document of ``options.inputs`` into ``options.out``; see the module docstring.

    Raises :class:`BatchError` when the run cannot start (or :class:`BatchInterrupted`), never for
    one bad document: those are recorded in errors.jsonl and counted in ``failed``/``skipped``.
    """
    _check(options)
    glossary = load_glossary(options.glossary, options.extra_glossary, cache=options.cache)
    glossary.style(options.style)
    folder = RunFolder(options.out)
    folder.open()
    try:
        return _Run(options, glossary, folder, progress, stdin).run()
    finally:
        folder.close()


def _check(options: BatchOptions) -> None:
    if not options.inputs:
        raise BatchError("no inputs: name files, folders, JSON Lines files or - for standard input")
    for p in options.inputs:
        if p != STDIN and not os.path.exists(p):
            raise InputError("no such file or folder", path=p)
    if options.inputs.count(STDIN) > 1:
        raise BatchError("standard input (-) can be read only once")
    if options.jobs is not None and options.jobs < 1:
        raise BatchError("--jobs must be at least 1")
    if options.resume and options.restart:
        raise BatchError("--resume and --restart contradict each other")


def default_jobs() -> int:
    """One worker per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


class _Run:
    """One run: its state, the loop over batches, checkpoints and the finish."""

    def __init__(
        self,
        options: BatchOptions,
        glossary: Glossary,
        folder: RunFolder,
        progress: Callable[[Progress], None] | None,
        stdin: Any,
    ) -> None:
        self.options, self.glossary, self.folder, self.progress, self.stdin = options, glossary, folder, progress, stdin
        sides = tuple(glossary.vocabulary.used_by)
        self.settings = DocumentSettings(
            style=options.style, fuzzy=options.fuzzy, text_field=options.text_field, id_field=options.id_field,
            with_text=options.with_text, report_documents=options.report_documents, report_chars=options.report_chars,
            max_bytes=options.max_bytes, sides=sides,
        )  # fmt: skip
        self.spec = InputSpec(
            paths=options.inputs, include=options.include, exclude=options.exclude, jsonl=options.jsonl,
            markup=options.markup, max_bytes=options.max_bytes, skip=(str(options.out),),
        )  # fmt: skip
        self.fingerprint = options.fingerprint(glossary)
        self.totals = CorpusTotals()
        self.terms: set[int] = set()
        self.done = 0
        self.resumed = 0
        self.bytes_done = 0
        self.position: Position | None = None
        self.last_checkpoint = time.monotonic()

    def run(self) -> BatchSummary:
        state = self.folder.state()
        if state is not None and state.get("phase") == "finishing" and self.options.resume:
            self._check_fingerprint(state)
            return self._summary(state, self.folder.rename_outputs())
        if state is not None and not (self.options.resume or self.options.restart):
            raise BatchError(
                f"{self.options.out} holds an unfinished run ({state.get('done', 0)} documents done)",
                hint="add --resume to continue it, or --restart to start over",
            )
        if state is not None and self.options.resume:
            self._restore(state)
        else:
            headers = {
                "annotations.csv": ",".join(CSV_FIELDS) + "\n",
                "summary.csv": ",".join(csv_header(self.settings.sides)) + "\n",
            }
            self.folder.start(headers)
            self._checkpoint()
        bytes_total = total_bytes(self.spec) if self.progress else None
        from .finish import build_outputs

        self.clean = self._snapshot()
        try:
            self._loop(bytes_total)
            self._checkpoint()
            build_outputs(self.folder, self.glossary, self.options, self.totals, self.terms)
        except KeyboardInterrupt:
            # The interrupt may have come in the middle of writing a batch: record the state as it
            # was after the last whole batch (a resumed run cuts the parts back to it).
            self.folder.checkpoint(self.clean)
            raise BatchInterrupted(self.options.out, self.clean["done"]) from None
        state = self._state()
        try:
            outputs = self.folder.finish(state)
        except KeyboardInterrupt:  # the checkpoint says "finishing": --resume completes the renames
            raise BatchInterrupted(self.options.out, self.done) from None
        return self._summary(state, outputs)

    def _check_fingerprint(self, state: dict[str, Any]) -> None:
        if state.get("fingerprint") != self.fingerprint:
            changed = sorted(k for k in self.fingerprint if state.get("fingerprint", {}).get(k) != self.fingerprint[k])
            raise BatchError(
                f"the unfinished run in {self.options.out} used other inputs or options ({', '.join(changed)})",
                hint="repeat its command with --resume, or use --restart to start over",
            )

    def _restore(self, state: dict[str, Any]) -> None:
        self._check_fingerprint(state)
        if state["done"] and STDIN in self.options.inputs:
            raise BatchError("a run that read standard input cannot be resumed", hint="use --restart")
        self.folder.resume(state["offsets"])
        self.totals = CorpusTotals.from_state(state["totals"])
        self.terms = set(state["terms"])
        self.done = self.resumed = int(state["done"])
        self.bytes_done = int(state["bytes_done"])
        self.position = Position(*state["position"]) if state["position"] else None

    def _state(self) -> dict[str, Any]:
        return {
            "fingerprint": self.fingerprint,
            "phase": "running",
            "done": self.done,
            "position": self.position.to_list() if self.position else None,
            "bytes_done": self.bytes_done,
            "totals": self.totals.state(),
            "terms": sorted(self.terms),
        }

    def _snapshot(self) -> dict[str, Any]:
        return {**self._state(), "offsets": dict(self.folder.offsets)}

    def _checkpoint(self) -> None:
        self.folder.checkpoint(self._state())
        self.last_checkpoint = time.monotonic()

    def _loop(self, bytes_total: int | None) -> None:
        units = iter_units(self.spec, self.position, self.stdin)
        work = batches(enumerate(units, start=self.done))
        jobs = self.options.jobs or default_jobs()
        source = (self.options.glossary, self.options.extra_glossary, self.options.cache)
        for batch, outcomes in execute(work, jobs, self.glossary, source, self.settings):
            for (_, unit), outcome in zip(batch, outcomes, strict=True):
                self._commit(unit, outcome)
            self.clean = self._snapshot()
            if time.monotonic() - self.last_checkpoint >= self.options.checkpoint_seconds:
                self._checkpoint()
            if self.progress:
                c = self.totals.counts
                self.progress(Progress(self.done, c["failed"], c["skipped"], self.bytes_done, bytes_total, self.resumed))

    def _commit(self, unit: UnitMeta, outcome: Outcome) -> None:
        self.folder.write(outcome)
        self.totals.add(outcome.profile)
        self.terms |= outcome.terms
        self.done += 1
        self.bytes_done += unit.size
        self.position = unit.position

    def _summary(self, state: dict[str, Any], outputs: Sequence[Path]) -> BatchSummary:
        totals = CorpusTotals.from_state(state["totals"])
        c = totals.counts
        return BatchSummary(
            out=self.options.out, documents=totals.documents, annotated=c["annotated"], skipped=c["skipped"], failed=c["failed"],
            annotations=c["annotations"], loaded=c["loaded"], warnings=c["warnings"], resumed=self.resumed, outputs=tuple(outputs),
        )  # fmt: skip

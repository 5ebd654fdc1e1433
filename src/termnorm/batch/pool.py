"""The process pool of a batch run: batches of units out, outcomes back, in input order.

Units are grouped into small batches; at most a few batches per worker are in flight, so memory
stays bounded however large the corpus. Each worker loads the compiled glossary once (its
initializer) and runs :func:`~termnorm.batch.document.process_unit` on each unit. A worker that
dies (a segfault, the out-of-memory killer) does not stop the run: the batch it was working on is
run again one document at a time, and the document that kills a worker again is recorded as failed.
"""

from __future__ import annotations

import multiprocessing
import signal
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..compiled import Glossary, load_glossary
from .document import DocumentSettings, Outcome, failed_outcome, process_unit
from .inputs import Position, Unit

BATCH_BYTES = 1 << 20  # a batch of units holds at most about this much input...
BATCH_UNITS = 128  # ...and at most this many units
IN_FLIGHT_PER_JOB = 3


@dataclass(frozen=True, slots=True)
class UnitMeta:
    """What the main process keeps of a unit once it is sent off: where it was and how big."""

    position: Position
    size: int


Batch = list[tuple[int, Unit]]


def batches(units: Iterable[tuple[int, Unit]]) -> Iterator[Batch]:
    batch: Batch = []
    size = 0
    for seq, unit in units:
        batch.append((seq, unit))
        size += len(unit.data) if unit.data is not None else unit.size
        if size >= BATCH_BYTES or len(batch) >= BATCH_UNITS:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def execute(
    work: Iterator[Batch],
    jobs: int,
    glossary: Glossary,
    source: tuple[Path | None, tuple[Path, ...], bool],
    settings: DocumentSettings,
) -> Iterator[tuple[list[tuple[int, UnitMeta]], list[Outcome]]]:
    """(batch, outcomes) in input order; in this process for one job, else on a process pool.

    ``source`` says how workers load the glossary: (path, extra paths, use the cache).
    """
    if jobs == 1:
        for batch in work:
            yield _metas(batch), [process_unit(u, seq, glossary, settings) for seq, u in batch]
        return
    pool = _Pool(jobs, (*source, settings))
    pending: deque[tuple[Batch, Future[list[Outcome]]]] = deque()
    try:
        for batch in work:
            pending.append((batch, pool.submit(batch)))
            while len(pending) >= jobs * IN_FLIGHT_PER_JOB:
                yield _collect(pending, pool)
        while pending:
            yield _collect(pending, pool)
    except BaseException:  # Ctrl-C, or the consumer stopped: queue nothing more
        pool.stop()
        raise
    pool.stop(wait=True)


def _collect(
    pending: deque[tuple[Batch, Future[list[Outcome]]]], pool: _Pool
) -> tuple[list[tuple[int, UnitMeta]], list[Outcome]]:
    """The outcomes of the oldest batch; if a worker died, find the document that killed it."""
    batch, future = pending.popleft()
    try:
        return _metas(batch), future.result()
    except BrokenProcessPool:
        outcomes = pool.isolate(batch)
        for i, (later, _) in enumerate(pending):  # their futures died with the pool
            pending[i] = (later, pool.submit(later))
        return _metas(batch), outcomes


class _Pool:
    """A process pool that survives a worker crashing (a segfault, the out-of-memory killer)."""

    def __init__(self, jobs: int, init_args: tuple[Any, ...]) -> None:
        self.jobs, self.init_args = jobs, init_args
        methods = multiprocessing.get_all_start_methods()
        self.context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        self.executor = self._start()

    def _start(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self.jobs, mp_context=self.context, initializer=_init_worker, initargs=self.init_args)

    def submit(self, batch: Batch) -> Future[list[Outcome]]:
        return self.executor.submit(_work, batch)

    def restart(self) -> None:
        self.stop()
        self.executor = self._start()

    def isolate(self, batch: Batch) -> list[Outcome]:
        """Run the units of a batch one at a time; a unit whose worker dies is recorded as failed."""
        settings: DocumentSettings = self.init_args[3]
        outcomes = []
        self.restart()
        for seq, unit in batch:
            try:
                outcomes += self.submit([(seq, unit)]).result()
            except BrokenProcessPool:
                reason = "the worker process died on this document (crash or out of memory)"
                outcomes.append(failed_outcome(unit, "crash", reason, settings))
                self.restart()
        return outcomes

    def stop(self, *, wait: bool = False) -> None:
        """Shut the pool down: queued batches are cancelled, running ones are let finish.

        Workers are never killed from here: one killed while sending its result leaves a torn
        message in the result pipe, and the executor's thread then blocks reading it forever
        (and with it the interpreter's exit). A running batch takes well under a second.
        """
        self.executor.shutdown(wait=wait, cancel_futures=True)


def _metas(batch: Batch) -> list[tuple[int, UnitMeta]]:
    return [(seq, UnitMeta(u.position, u.size)) for seq, u in batch]


_WORKER: tuple[Glossary, DocumentSettings] | None = None


def _init_worker(glossary: Path | None, extra: tuple[Path, ...], cache: bool, settings: DocumentSettings) -> None:
    """Load the compiled glossary once per worker; leave Ctrl-C to the main process."""
    global _WORKER
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the pool stops its workers with SIGTERM
    _WORKER = (load_glossary(glossary, extra, cache=cache), settings)


def _work(batch: Batch) -> list[Outcome]:
    assert _WORKER is not None, "worker used before its initializer ran"
    glossary, settings = _WORKER
    return [process_unit(unit, seq, glossary, settings) for seq, unit in batch]

"""The output folder of a batch run: part files, checkpoints, and the atomic finish.

While a run goes on, everything is written into ``OUT/.termnorm-batch/``: one *part* file per
output, appended in input order, and ``state.json``, the checkpoint. A checkpoint first flushes
and fsyncs the parts, then atomically replaces ``state.json`` with their lengths, the position of
the last finished document and the running corpus totals. A resumed run cuts every part back to
the length its checkpoint recorded (dropping whatever a killed run wrote after it) and goes on
from there, so its outputs are byte for byte those of an uninterrupted run.

Finishing builds summary.json, summary.csv and report.html next to the parts, records that the
run is finishing, then renames each file into ``OUT``. The final names therefore only ever hold
complete files; a run stopped while renaming completes the renames when resumed.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from ..errors import TermnormError
from ..textio import write_atomic
from .document import Outcome

STATE_DIR = ".termnorm-batch"
STATE_FORMAT = 1
# part file -> the Outcome field appended to it
PARTS = {
    "annotations.jsonl": "annotations",
    "annotations.csv": "csv",
    "documents.jsonl": "documents",
    "summary.csv": "summary_csv",
    "errors.jsonl": "error",
    "report-documents.html": "fragment",
}
# final file -> where it comes from: a part renamed as it is, or a file built when finishing
FINAL = {
    "annotations.jsonl": "annotations.jsonl",
    "annotations.csv": "annotations.csv",
    "summary.json": "summary.json.new",
    "summary.csv": "summary.csv.new",
    "errors.jsonl": "errors.jsonl",
    "report.html": "report.html.new",
}


class BatchError(TermnormError):
    """A batch run cannot start, continue or finish (output folder, resume, options)."""


class RunFolder:
    """The output folder of one batch run and its part files."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.work = out / STATE_DIR
        self.offsets: dict[str, int] = dict.fromkeys(PARTS, 0)
        self._files: dict[str, IO[bytes]] = {}
        self._lock: IO[bytes] | None = None

    # -- opening -------------------------------------------------------------------------

    def open(self) -> None:
        """Create the folder and take its lock (one run per output folder at a time)."""
        if self.out.exists() and not self.out.is_dir():
            raise BatchError(f"{self.out}: exists and is not a folder", hint="--out names a folder for the results")
        try:
            self.work.mkdir(parents=True, exist_ok=True)
            self._lock = (self.work / "lock").open("a+b")
        except OSError as exc:
            raise BatchError(f"{self.out}: cannot write: {exc.strerror or exc}") from None
        try:
            import fcntl

            fcntl.flock(self._lock.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except ImportError:  # pragma: no cover - no advisory locks on this platform
            pass
        except OSError:
            raise BatchError(f"{self.out}: another 'termnorm batch' is writing to this folder") from None

    def state(self) -> dict[str, Any] | None:
        """The checkpoint of an unfinished run in this folder, if any."""
        path = self.work / "state.json"
        try:
            state = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            raise BatchError(f"{path}: unreadable checkpoint ({exc})", hint="use --restart to start over") from None
        if not isinstance(state, dict) or state.get("format") != STATE_FORMAT:
            raise BatchError(f"{path}: checkpoint of another termnorm version", hint="use --restart to start over")
        return state

    def start(self, headers: Mapping[str, str]) -> None:
        """Begin afresh: empty part files (with their headers)."""
        for name in (*PARTS, *FINAL.values(), "state.json"):
            (self.work / name).unlink(missing_ok=True)
        for name in PARTS:
            self._files[name] = (self.work / name).open("wb", buffering=1 << 20)
        for name, header in headers.items():
            self._append(name, header)

    def resume(self, offsets: Mapping[str, int]) -> None:
        """Go on from a checkpoint: cut each part back to its recorded length."""
        for name in PARTS:
            path = self.work / name
            try:
                fh = path.open("r+b", buffering=1 << 20)
            except FileNotFoundError:
                raise BatchError(f"{path}: missing; the unfinished run cannot be resumed", hint="use --restart") from None
            size = int(offsets[name])
            if fh.seek(0, os.SEEK_END) < size:
                raise BatchError(f"{path}: shorter than its checkpoint says", hint="use --restart to start over")
            fh.truncate(size)
            fh.seek(size)
            self._files[name] = fh
            self.offsets[name] = size

    # -- writing -------------------------------------------------------------------------

    def write(self, outcome: Outcome) -> None:
        """Append one document's outputs to the parts."""
        for name, attr in PARTS.items():
            text = getattr(outcome, attr)
            if text:
                self._append(name, text)

    def _append(self, name: str, text: str) -> None:
        data = text.encode("utf-8")
        self._files[name].write(data)
        self.offsets[name] += len(data)

    def checkpoint(self, state: Mapping[str, Any]) -> None:
        """Make the parts durable, then record ``state`` atomically.

        ``state["offsets"]`` (the part lengths it describes) defaults to the current lengths; a
        resumed run cuts the parts back to them.
        """
        self.sync()
        write_atomic(self.work / "state.json", json.dumps({"offsets": self.offsets, **state, "format": STATE_FORMAT}))

    def sync(self) -> None:
        for fh in self._files.values():
            fh.flush()
            os.fsync(fh.fileno())

    def close(self) -> None:
        """Close the part files and release the lock."""
        for fh in self._files.values():
            fh.close()
        self._files.clear()
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    # -- reading parts back --------------------------------------------------------------

    def part(self, name: str) -> Path:
        return self.work / name

    def lines(self, name: str, limit: int | None = None) -> Iterator[str]:
        """The lines of a (flushed) part file, at most ``limit``."""
        with (self.work / name).open(encoding="utf-8") as fh:
            for i, line in enumerate(fh):
                if limit is not None and i >= limit:
                    return
                yield line

    # -- finishing -----------------------------------------------------------------------

    def finish(self, state: Mapping[str, Any]) -> list[Path]:
        """Rename every output into the folder, then remove the run's working files."""
        write_atomic(self.work / "state.json", json.dumps({**state, "format": STATE_FORMAT, "phase": "finishing"}))
        return self.rename_outputs()

    def rename_outputs(self) -> list[Path]:
        """The last step of finishing (also what resuming a run stopped here does)."""
        self.close_parts()
        done = []
        for final, source in FINAL.items():
            src = self.work / source
            if src.exists():
                os.replace(src, self.out / final)
            done.append(self.out / final)
        _fsync_dir(self.out)
        lock, self._lock = self._lock, None
        shutil.rmtree(self.work, ignore_errors=True)
        if lock is not None:
            lock.close()
        return done

    def close_parts(self) -> None:
        for fh in self._files.values():
            fh.close()
        self._files.clear()


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - not possible on every platform
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def write_summary_json(path: Path, head: Mapping[str, Any], documents: Iterator[str]) -> None:
    """summary.json: ``head`` (corpus totals, top entries) then the documents, one per line, streamed."""
    text = json.dumps(head, ensure_ascii=False, indent=2)
    with path.open("w", encoding="utf-8") as fh:
        fh.write(text[:-2] + ',\n  "documents": [')
        for i, line in enumerate(documents):
            fh.write(("\n    " if i == 0 else ",\n    ") + line.rstrip("\n"))
        fh.write("\n  ]\n}\n")
        fh.flush()
        os.fsync(fh.fileno())


def write_summary_csv(path: Path, part: Path, corpus_row: str) -> None:
    """summary.csv: the per-document rows of the part, then the corpus row."""
    with path.open("wb") as out, part.open("rb") as src:
        shutil.copyfileobj(src, out, 1 << 20)
        out.write(corpus_row.encode("utf-8"))
        out.flush()
        os.fsync(out.fileno())

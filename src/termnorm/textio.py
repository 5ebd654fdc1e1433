"""Reading inputs and writing outputs safely: clear decoding errors, atomic writes."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from .errors import InputError


def decode(data: bytes, source: str) -> str:
    """Decode UTF-8 input (a BOM is dropped); a clear error names the source and the byte.

    >>> decode("Uyghur".encode(), "a.txt")
    'Uyghur'
    >>> decode(b"\\xff\\xfeU\\x00", "b.txt")
    'U'
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(f"invalid UTF-16 at byte {exc.start}", path=source) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(
            f"not valid UTF-8 (line {line}, byte {exc.start})",
            path=source,
            hint="convert the file to UTF-8, or use 'termnorm batch', which detects GB18030, Big5 and UTF-16",
        ) from None


def read_input(path: str) -> str:
    """The text of a file, or of standard input when ``path`` is ``-``."""
    if path == "-":
        return decode(sys.stdin.buffer.read(), "<stdin>")
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise InputError("no such file", path=path) from None
    except IsADirectoryError:
        raise InputError("is a directory", path=path, hint="use 'termnorm batch' for folders") from None
    except OSError as exc:
        raise InputError(exc.strerror or str(exc), path=path) from None
    return decode(data, path)


def write_atomic(path: str | Path, data: str | bytes) -> None:
    """Write a file so that readers see the old content or the new, never half of it."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror or exc}", path=str(path)) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise

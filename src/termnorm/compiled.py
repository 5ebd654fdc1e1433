"""The compiled glossary: validated entries, derived forms, folding tables and the matcher.

Compiling takes a moment (OpenCC, variants, the automaton), so the result is cached on disk in
the user cache directory, keyed by the glossary's content hash and the termnorm version. A
corrupt or stale cache file is ignored and rebuilt.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from threading import Lock
from typing import TYPE_CHECKING, Any, TypeVar

from .derive import derive_script_forms, han_fold_table
from .errors import GlossaryError, GlossaryErrors
from .fold import base_table
from .glossary import GlossaryData, Vocabulary, content_hash, default_glossary_path, get_style, glossary_files, read_glossary
from .matcher import Matcher
from .model import Entry, Style, Term

if TYPE_CHECKING:
    from .typo_index import TypoTargets

_T = TypeVar("_T")
_CACHE_FORMAT = 3


class Glossary:
    """A compiled glossary. Build it with :func:`load_glossary`.

    >>> g = load_glossary()
    >>> g.entry("uyghur").label
    'Uyghur'
    """

    def __init__(self, data: GlossaryData) -> None:
        self.entries: dict[str, Entry] = {eid: derive_script_forms(e) for eid, e in data.entries.items()}
        self.styles: dict[str, Style] = data.styles
        self.vocabulary: Vocabulary = data.vocabulary
        self.files = data.files
        self.content_hash = data.content_hash
        self.terms: list[Term] = [t for e in self.entries.values() for t in e.terms]
        self.table: dict[int, str] = {**base_table(), **han_fold_table()}
        # entries whose words put the next term at a distance ("so-called"): see quotes.distanced
        self.distancing: frozenset[str] = frozenset(eid for eid, e in self.entries.items() if e.distancing)
        self.matcher = Matcher(self.terms, self.table)
        self.cache_key: str | None = None  # set by load_glossary when the glossary is cached on disk
        self._typo: TypoTargets | None = None
        problems = self._conflicts()
        if problems:
            raise GlossaryErrors(problems)

    def typo_targets(self) -> TypoTargets:
        """The typo layer's reading of the glossary (which tokens may be misspelled, in which forms).

        Built on first use and cached on disk next to the compiled glossary, in a file of its own:
        commands that never use the typo layer neither read it nor hold it in memory (for a large
        glossary it is as big as the matcher), and those that do skip the build (about 45 ms for
        the shipped glossary, with the English word list it reads).
        """
        if self._typo is None:
            from .typo_index import TypoTargets, typo_targets

            found = _read_cache(f"typo-{self.cache_key}", TypoTargets) if self.cache_key else None
            if found is None:
                found = typo_targets(self.matcher)
                if self.cache_key:
                    _write_cache(f"typo-{self.cache_key}", found)
            self._typo = found
        return self._typo

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_typo"] = None  # in a file of its own (see typo_targets)
        return state

    def entry(self, entry_id: str) -> Entry:
        """The entry with this id (KeyError if none)."""
        return self.entries[entry_id]

    def style(self, name: str) -> Style:
        """The house style called ``name`` (raises StyleError listing the known ones)."""
        return get_style(self.styles, name)

    def _conflicts(self) -> list[GlossaryError]:
        """Forms claimed by two entries where neither says how to tell them apart."""
        problems = []
        for info in self.matcher.keys:
            entries = {self.terms[i].entry for i in info.terms}
            if len(entries) < 2:
                continue
            unresolved = [self.terms[i] for i in info.terms if not (self.terms[i].ambiguous or self.terms[i].context)]
            if unresolved:
                t = unresolved[0]
                others = sorted(entries - {t.entry})
                problems.append(
                    GlossaryError(
                        f"form '{t.form}' is also claimed by {', '.join(others)}; add 'ambiguous' or a context rule to both",
                        file=t.file, line=t.line, entry=t.entry, term=t.form,
                    )
                )  # fmt: skip
        return problems


_LOCK = Lock()
_MEMORY: dict[tuple[str, ...], Glossary] = {}


def _version() -> str:
    """The termnorm version plus a fingerprint of the code that shapes the compiled object.

    The fingerprint (sizes and modification times of the package's modules) keeps a cache
    written by other code, such as a development checkout between releases, from being loaded.
    """
    from . import __version__

    package = Path(__file__).parent
    stamp = hashlib.sha256()
    for module in sorted([*package.glob("*.py"), *package.glob("_core*.so"), *package.glob("_core*.pyd")]):
        st = module.stat()
        stamp.update(f"{module.name}:{st.st_size}:{st.st_mtime_ns};".encode())
    return f"{__version__}-{stamp.hexdigest()[:12]}"


def cache_dir() -> Path:
    """Where compiled glossaries are cached (``$TERMNORM_CACHE_DIR`` or the user cache directory)."""
    if env := os.environ.get("TERMNORM_CACHE_DIR"):
        return Path(env)
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "termnorm"
    if os.name == "nt":
        return Path(os.environ.get("LOCALAPPDATA", Path.home())) / "termnorm" / "Cache"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "termnorm"


def load_glossary(path: str | Path | None = None, extra: Sequence[str | Path] = (), *, cache: bool = True) -> Glossary:
    """Load, validate and compile a glossary folder or file (default: the shipped glossary).

    ``extra`` folders or files add entries on top. Compiled results are cached in memory and on
    disk (unless ``cache=False``). Raises :class:`~termnorm.errors.GlossaryError` on invalid data.
    """
    base = Path(path) if path is not None else default_glossary_path()
    extras = [Path(p) for p in extra]
    files: list[Path] = []
    for p in [base, *extras]:
        e, s, v = glossary_files(p)
        files += ([v] if v else []) + e + s
    key = content_hash(files) + "-" + _version() + f"-{_CACHE_FORMAT}"
    with _LOCK:
        # kept apart with and without the disk cache: only the first writes its typo targets there
        memo = _MEMORY.get((key, str(cache)))
        if memo is not None:
            return memo
        with collector_paused():
            glossary = _read_cache(f"glossary-{key}", Glossary) if cache else None
            if glossary is None:
                glossary = Glossary(read_glossary(base, extras))
                if cache:
                    _write_cache(f"glossary-{key}", glossary)
        if cache:
            glossary.cache_key = key
        _MEMORY[(key, str(cache))] = glossary
        return glossary


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while objects that form no cycle are made by the million.

    Reading or compiling a glossary makes millions (YAML nodes, terms, keys), annotating a very
    long text hundreds of thousands (matches, annotations): the collector would walk them all
    again at every older-generation pass, nearly half the time of compiling a large glossary.
    Any cycle left is collected once it runs again.
    """
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def _read_cache(name: str, kind: type[_T]) -> _T | None:
    """The object cached as ``name``, if it is a ``kind``; None for a missing or unreadable file."""
    path = cache_dir() / f"{name}.pickle"
    try:
        with path.open("rb") as fh:
            obj = pickle.load(fh)
    except Exception:  # noqa: BLE001 - any unreadable cache is simply rebuilt
        return None
    return obj if isinstance(obj, kind) else None


def _write_cache(name: str, obj: object) -> None:
    folder = cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name.split('-')[0]}-", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(obj, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, folder / f"{name}.pickle")
    except OSError:
        return  # a read-only or full cache directory only costs start-up time

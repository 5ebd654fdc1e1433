"""The one error family of termnorm.

Every error a user can cause (a bad glossary, a missing file, undecodable input) is a
:class:`TermnormError`. The command line catches this family only and prints one line.
"""

from __future__ import annotations


class TermnormError(Exception):
    """Base class of every error termnorm raises on purpose."""

    hint: str | None = None

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if hint is not None:
            self.hint = hint

    def __str__(self) -> str:
        return self.message


class GlossaryError(TermnormError):
    """A glossary file is invalid. Carries the file, line and entry it concerns."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        entry: str | None = None,
        term: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.file = file
        self.line = line
        self.entry = entry
        self.term = term
        where = ""
        if file:
            where = file + (f":{line}" if line else "")
        if entry:
            where += f"{' ' if where else ''}entry '{entry}'"
        if term:
            where += f" term '{term}'"
        super().__init__(f"{where}: {message}" if where else message, hint=hint)
        self.reason = message


class GlossaryErrors(GlossaryError):
    """Several glossary problems found at once; ``errors`` lists them all."""

    def __init__(self, errors: list[GlossaryError]) -> None:
        self.errors = errors
        first = errors[0]
        more = f" (and {len(errors) - 1} more problems; run 'termnorm glossary check')" if len(errors) > 1 else ""
        super().__init__(first.reason + more, file=first.file, line=first.line, entry=first.entry, term=first.term)


class StyleError(TermnormError):
    """A house style is unknown or invalid."""

    def __init__(self, message: str, *, style: str | None = None, hint: str | None = None) -> None:
        self.style = style
        super().__init__(message, hint=hint)


class InputError(TermnormError):
    """An input document cannot be read or decoded."""

    def __init__(self, message: str, *, path: str | None = None, hint: str | None = None) -> None:
        self.path = path
        super().__init__(f"{path}: {message}" if path else message, hint=hint)
        self.reason = message


class LookupNotFoundError(TermnormError):
    """No glossary entry matches a lookup query; ``suggestions`` holds close candidates."""

    def __init__(self, query: str, suggestions: list[str]) -> None:
        self.query = query
        self.suggestions = suggestions
        hint = f"did you mean: {', '.join(suggestions)}?" if suggestions else None
        super().__init__(f"no glossary entry for '{query}'", hint=hint)

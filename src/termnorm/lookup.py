"""Finding entries by id or by any form, in any language or script, with typo suggestions."""

from __future__ import annotations

from .compiled import Glossary
from .errors import LookupNotFoundError
from .fold import fold_key
from .model import Entry


def lookup(query: str, glossary: Glossary, *, limit: int = 5) -> list[Entry]:
    """The entries a query names: an id, a form in any script, or an inflected form.

    Raises :class:`LookupNotFoundError` with "did you mean" suggestions when nothing matches.

    >>> from termnorm import load_glossary
    >>> g = load_glossary()
    >>> [e.id for e in lookup("維吾爾", g)] == [e.id for e in lookup("uighur", g)]
    True
    """
    query = query.strip()
    if query in glossary.entries:
        return [glossary.entries[query]]
    found: list[str] = []
    matcher = glossary.matcher
    key = fold_key(query, matcher.table)
    index = matcher.key_index.get(key)
    if index is not None:
        found = [matcher.terms[i].entry for i in matcher.keys[index].terms]
    if not found:
        for m in matcher.find(query):
            if m.start == 0 and m.end == len(query):
                found = [matcher.terms[i].entry for i in m.terms]
    if not found:
        raise LookupNotFoundError(query, suggest(query, glossary, limit=limit))
    return [glossary.entries[e] for e in dict.fromkeys(found)]


def suggest(query: str, glossary: Glossary, *, limit: int = 5, cutoff: float = 60.0) -> list[str]:
    """Close forms for a query that matched nothing, as "form (entry-id)" strings."""
    from rapidfuzz import fuzz, process

    matcher = glossary.matcher
    key = fold_key(query, matcher.table)
    if not key:
        return []
    choices = {info.key: i for i, info in enumerate(matcher.keys)}
    results = process.extract(key, list(choices), scorer=fuzz.ratio, limit=limit * 3, score_cutoff=cutoff)
    out: list[str] = []
    seen: set[str] = set()
    for choice, _score, _ in results:
        info = matcher.keys[choices[choice]]
        term = matcher.terms[info.terms[0]]
        entry = glossary.entries[term.entry]
        if entry.id in seen:
            continue
        seen.add(entry.id)
        out.append(f"{term.form} ({entry.id})")
        if len(out) >= limit:
            break
    return out

"""One document of the HTML report: its text with every annotation highlighted.

Rendered in the worker that annotated the document, so the main process only copies finished
fragments into report.html. Every piece of document text, file name and identifier goes through
:func:`html.escape`; per-annotation details travel in ``data-`` attributes (escaped too), never
in script. The glossary's side of the hover card (entry, note, neutral alternative) is rendered
once per term by :func:`term_info` and looked up by the ``data-t`` number.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from html import escape

from ..annotate import Annotation, DocumentResult
from ..compiled import Glossary
from ..model import Term

OPEN_DOCUMENTS = 20  # the first documents of the report are shown expanded


def esc(value: object) -> str:
    """Text escaped for HTML content and for double- or single-quoted attributes.

    >>> esc('<img src=x onerror="alert(1)">')
    '&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'
    """
    return escape(str(value), quote=True)


@lru_cache(maxsize=8)
def term_numbers(glossary: Glossary) -> Mapping[tuple[str, str, str], int]:
    """(entry, form, lang) -> the term's index in ``glossary.terms`` (the report's ``data-t``)."""
    numbers: dict[tuple[str, str, str], int] = {}
    for i, t in enumerate(glossary.terms):
        numbers.setdefault((t.entry, t.form, t.lang), i)
    return numbers


def kind_of(a: Annotation) -> str:
    """How a highlight is coloured: ``loaded``, ``ambiguous``, ``variant`` (normalize would rewrite it) or ``term``.

    >>> from termnorm import load_glossary, annotate_text
    >>> [kind_of(a) for a in annotate_text("Uighurs and Uyghurs", load_glossary())]
    ['variant', 'term']
    """
    if a.loaded:
        return "loaded"
    if a.ambiguous:
        return "ambiguous"
    if a.preferred != a.text:
        return "variant"
    return "term"


def _mark(a: Annotation, number: int | None) -> str:
    classes = ["a", kind_of(a)]
    if a.quoted:
        classes.append("q")
    if a.match == "fuzzy":
        classes.append("fz")
    attrs = [f'class="{" ".join(classes)}"', 'tabindex="0"', f'data-e="{esc(a.entry)}"']
    if number is not None:
        attrs.append(f'data-t="{number}"')
    if a.preferred != a.text:
        attrs.append(f'data-p="{esc(a.preferred)}"')
    if a.quoted:
        attrs.append(f'data-q="{esc(a.quote_reason or "quoted")}"')
    match = a.match if a.match != "fuzzy" else f"fuzzy, score {a.score:.0f}"
    attrs.append(f'data-m="{esc(match)}"')
    if a.ambiguous and a.candidates:
        attrs.append(f'data-c="{esc(", ".join(a.candidates))}"')
    return f"<mark {' '.join(attrs)}>{esc(a.text)}</mark>"


def highlighted(
    text: str, annotations: Sequence[Annotation], numbers: Mapping[tuple[str, str, str], int]
) -> tuple[str, set[int]]:
    """The text as escaped HTML with a ``<mark>`` per annotation, and the term numbers used.

    >>> from termnorm import load_glossary, annotate_text
    >>> g = load_glossary()
    >>> html, used = highlighted("<b>Uighurs</b>", annotate_text("<b>Uighurs</b>", g), term_numbers(g))
    >>> html.startswith("&lt;b&gt;<mark class=") and html.endswith(">Uighurs</mark>&lt;/b&gt;")
    True
    """
    out: list[str] = []
    used: set[int] = set()
    pos = 0
    for a in annotations:
        if a.start < pos or a.end > len(text):
            continue  # overlapping or outside the shown text
        number = numbers.get((a.entry, a.term, a.lang))
        if number is not None:
            used.add(number)
        out.append(esc(text[pos : a.start]))
        out.append(_mark(a, number))
        pos = a.end
    out.append(esc(text[pos:]))
    return "".join(out), used


def document_fragment(
    seq: int,
    result: DocumentResult,
    text: str,
    meta: Mapping[str, object],
    numbers: Mapping[tuple[str, str, str], int],
    max_chars: int,
) -> tuple[str, set[int]]:
    """The ``<details>`` element of one document in the report, and the term numbers it uses."""
    shown = text[:max_chars]
    anns = [a for a in result.annotations if a.end <= len(shown)]
    body, used = highlighted(shown, anns, numbers)
    s = result.summary
    entries = " ".join(sorted(s["entries"]))
    info = [str(result.lang), str(meta.get("encoding", "")), str(meta.get("format", ""))]
    counts = f"{s['total']} term{'' if s['total'] == 1 else 's'} · {s['loaded']} loaded · {s['quoted']} quoted"
    head = f'<span class="src">{esc(result.source)}</span>'
    if result.id is not None:
        head += f' <span class="docid">id {esc(result.id)}</span>'
    opened = " open" if seq < OPEN_DOCUMENTS else ""
    parts = [
        f'<details class="doc" id="d{seq}" data-entries=" {esc(entries)} "{opened}>',
        f'<summary>{head} <span class="meta">{esc(" · ".join(i for i in info if i))}</span> <span class="counts">{esc(counts)}</span></summary>',
    ]
    for w in meta.get("warnings", ()) or ():  # type: ignore[attr-defined]
        parts.append(f'<p class="warn">{esc(w)}</p>')
    parts.append(f'<div class="text" lang="{esc(result.lang)}">{body}</div>')
    if len(text) > max_chars:
        parts.append(
            f'<p class="cut">Showing the first {max_chars:,} of {len(text):,} characters; '
            "annotations.jsonl has the annotations of the whole text.</p>"
        )
    parts.append("</details>\n")
    return "".join(parts), used


def term_info(number: int, term: Term, glossary: Glossary) -> str:
    """The glossary's half of a hover card: entry, form, who uses it, note, neutral alternative."""
    entry = glossary.entries[term.entry]
    vocab = glossary.vocabulary.used_by
    used_by = ", ".join(f'<span title="{esc(vocab.get(u, ""))}">{esc(u)}</span>' for u in term.used_by)
    flags = ' <span class="flag">loaded</span>' if term.loaded else ""
    rows = [
        f'<div class="tinfo" id="t{number}">',
        f'<h3>{esc(entry.label)} <code>{esc(entry.id)}</code> <span class="cat">{esc(entry.category)}</span></h3>',
        f'<p class="form"><b>{esc(term.form)}</b> · {esc(term.lang)} · {esc(term.type)} · {esc(term.status)}{flags}</p>',
    ]
    if used_by:
        rows.append(f'<p class="used"><b>Used by:</b> {used_by}</p>')
    if term.note:
        rows.append(f'<p class="note">{esc(term.note)}</p>')
    if entry.neutral:
        rows.append(f'<p class="neutral"><b>Neutral alternative:</b> {esc(entry.neutral)}</p>')
    rows.append(f'<p class="def">{esc(entry.definition)}</p></div>\n')
    return "".join(rows)

"""The glossary's typed records: entries, terms, context rules and house styles."""

from __future__ import annotations

from dataclasses import dataclass, field

TERM_TYPES = (
    "preferred",
    "spelling",
    "romanization",
    "historic",
    "abbreviation",
    "translation",
    "framing",
    "misspelling",
    "alias",
)
STATUSES = ("preferred", "admitted", "deprecated", "superseded")
# Term types that `normalize` rewrites to the style's preferred form: spelling, not framing.
SPELLING_TYPES = frozenset({"spelling", "romanization", "misspelling", "preferred"})


def default_status(term_type: str) -> str:
    """The TBX status a term gets when the glossary does not say.

    >>> default_status("misspelling"), default_status("preferred"), default_status("spelling")
    ('deprecated', 'preferred', 'admitted')
    """
    return {"preferred": "preferred", "misspelling": "deprecated", "historic": "superseded"}.get(term_type, "admitted")


@dataclass(frozen=True, slots=True)
class Context:
    """Rules about the text next to a match (see glossary/README.md)."""

    not_followed_by: tuple[str, ...] = ()
    not_preceded_by: tuple[str, ...] = ()
    followed_by: tuple[str, ...] = ()
    preceded_by: tuple[str, ...] = ()

    @property
    def confirms(self) -> bool:
        return bool(self.followed_by or self.preceded_by)


@dataclass(frozen=True, slots=True)
class Term:
    """One form of an entry: a spelling, translation, framing or misspelling."""

    form: str
    lang: str
    type: str
    status: str
    entry: str
    used_by: tuple[str, ...] = ()
    loaded: bool = False
    note: str | None = None
    sources: tuple[str, ...] = ()
    case_sensitive: bool = False
    stem: bool = False
    fuzzy: bool = True
    ambiguous: str | None = None
    context: Context | None = None
    correct_to: str | None = None  # the form normalize writes for this misspelling (same entry)
    derived: str | None = None  # how the form was derived ("opencc s2t of 维吾尔族"), else None
    file: str | None = None
    line: int | None = None

    @property
    def script(self) -> str:
        """The script family of the form: ``han``, ``arabic``, ``cyrillic`` or ``latin``."""
        return script_of(self.form)


@dataclass(frozen=True, slots=True)
class Entry:
    """One concept of the glossary with all its forms."""

    id: str
    label: str
    category: str
    definition: str
    terms: tuple[Term, ...]
    neutral: str | None = None
    related: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    uncertain: str | None = None
    distancing: bool = False
    file: str | None = None
    line: int | None = None

    @property
    def loaded(self) -> bool:
        return any(t.loaded for t in self.terms)

    def preferred(self, lang: str = "en") -> Term | None:
        """The entry's preferred term in ``lang`` (type or status ``preferred``), if any."""
        candidates = [t for t in self.terms if t.lang == lang and not t.derived]
        for t in candidates:
            if t.type == "preferred":
                return t
        for t in candidates:
            if t.status == "preferred":
                return t
        return None


@dataclass(frozen=True, slots=True)
class Style:
    """A house style: which English form each entry is written in."""

    id: str
    label: str
    description: str = ""
    evidence: tuple[str, ...] = ()
    prefer: dict[str, str] = field(default_factory=dict)
    chinese_script: str = "keep"
    file: str | None = None


def script_of(text: str) -> str:
    """The script family of a form, from its first letter.

    >>> script_of("Uyghur"), script_of("维吾尔"), script_of("ئۇيغۇر"), script_of("Уйғур")
    ('latin', 'han', 'arabic', 'cyrillic')
    """
    for ch in text:
        cp = ord(ch)
        if not ch.isalpha():
            continue
        if 0x0600 <= cp <= 0x06FF or 0xFB50 <= cp <= 0xFEFF or 0x0750 <= cp <= 0x077F:
            return "arabic"
        if 0x0400 <= cp <= 0x052F:
            return "cyrillic"
        if 0x3040 <= cp <= 0x30FF or 0x3400 <= cp <= 0x9FFF or 0xF900 <= cp <= 0xFAFF or cp >= 0x20000:
            return "han"
        return "latin"
    return "latin"

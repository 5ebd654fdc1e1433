"""Reading and validating the glossary folder into typed records.

The YAML is parsed with PyYAML's safe loader; nodes are composed first so that every error can
name the file and line it comes from, and so that duplicate keys (which plain ``safe_load``
silently overwrites) are errors.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from .errors import GlossaryError, GlossaryErrors, StyleError
from .model import STATUSES, TERM_TYPES, Context, Entry, Style, Term, default_status

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ENTRY_KEYS = {"id", "label", "category", "definition", "terms", "neutral", "related", "sources", "uncertain", "distancing"}
TERM_KEYS = {
    "form", "lang", "type", "status", "used_by", "loaded", "note", "sources",
    "case_sensitive", "stem", "fuzzy", "ambiguous", "context", "correct_to",
}  # fmt: skip
CONTEXT_KEYS = {"not_followed_by", "not_preceded_by", "followed_by", "preceded_by"}
STYLE_KEYS = {"id", "label", "description", "evidence", "prefer", "chinese_script"}


@dataclass
class Vocabulary:
    """Controlled vocabularies from ``vocabulary.yaml``."""

    used_by: dict[str, str] = field(default_factory=dict)
    categories: tuple[str, ...] = ()


@dataclass
class GlossaryData:
    """The validated content of one or more glossary folders, before compiling."""

    entries: dict[str, Entry]
    styles: dict[str, Style]
    vocabulary: Vocabulary
    files: tuple[str, ...]
    content_hash: str


def default_glossary_path() -> Path:
    """The glossary shipped with termnorm (inside the wheel, or the repository's ``glossary/``)."""
    packaged = resources.files("termnorm") / "glossary"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "glossary"


def glossary_files(path: Path) -> tuple[list[Path], list[Path], Path | None]:
    """Entry files, style files and the vocabulary file of a glossary folder (or one file)."""
    if not path.exists():
        raise GlossaryError("no such glossary file or folder", file=str(path))
    if path.is_file():
        return [path], [], None
    entries = sorted(p for p in path.glob("*.yaml") if p.name != "vocabulary.yaml")
    styles = sorted((path / "styles").glob("*.yaml")) if (path / "styles").is_dir() else []
    vocab = path / "vocabulary.yaml"
    return entries, styles, vocab if vocab.is_file() else None


def content_hash(paths: Iterable[Path]) -> str:
    """A hash of the glossary files' names and bytes: the key of the compiled cache."""
    digest = hashlib.sha256()
    for p in paths:
        digest.update(p.name.encode() + b"\0" + p.read_bytes() + b"\0")
    return digest.hexdigest()


def read_glossary(path: Path | None = None, extra: Sequence[Path] = ()) -> GlossaryData:
    """Read and validate a glossary folder (default: the shipped one) plus extra folders or files.

    Raises :class:`GlossaryErrors` listing every problem found.
    """
    base = path or default_glossary_path()
    entry_files, style_files, vocab_file = glossary_files(base)
    for more in extra:
        e, s, _ = glossary_files(more)
        entry_files += e
        style_files += s
    if vocab_file is None:
        vocab_file = default_glossary_path() / "vocabulary.yaml"
    all_files = [vocab_file, *entry_files, *style_files]
    problems: list[GlossaryError] = []
    vocabulary = _read_vocabulary(vocab_file, problems)
    entries: dict[str, Entry] = {}
    for file in entry_files:
        for entry in _read_entry_file(file, vocabulary, problems):
            if entry.id in entries:
                other = entries[entry.id]
                problems.append(
                    GlossaryError(
                        f"duplicate id (first defined in {other.file}:{other.line})",
                        file=entry.file, line=entry.line, entry=entry.id,
                    )
                )  # fmt: skip
                continue
            entries[entry.id] = entry
    read_styles = [_read_style(f, problems) for f in style_files]
    styles = {st.id: st for st in read_styles if st is not None}
    problems += _cross_checks(entries, styles)
    if problems:
        raise GlossaryErrors(problems)
    return GlossaryData(entries, styles, vocabulary, tuple(map(str, all_files)), content_hash(all_files))


def _load_yaml(file: Path) -> tuple[Any, yaml.Node | None]:
    """Parse one YAML file safely, returning the data and its node tree (for line numbers)."""
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise GlossaryError(f"not UTF-8 ({exc.reason} at byte {exc.start})", file=str(file)) from None
    except OSError as exc:
        raise GlossaryError(exc.strerror or str(exc), file=str(file)) from None
    if _FAST_LOADER is not None:
        try:
            return _compose(text, file, _FAST_LOADER)
        except yaml.YAMLError:
            pass  # reported below by the pure-Python parser, whose messages the tests know
    try:
        return _compose(text, file, yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise GlossaryError(f"invalid YAML: {exc.problem or exc.context}", file=str(file), line=line) from None
    except yaml.YAMLError as exc:
        raise GlossaryError(f"invalid YAML: {exc}", file=str(file)) from None


# libyaml's parser when PyYAML has it: the same nodes and line marks, several times faster,
# which is most of compiling a large glossary.
_C_LOADER = getattr(yaml, "CSafeLoader", None)
_STR_TAG, _SEQ_TAG, _MAP_TAG = "tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"


class _FastResolver:
    """The safe loader's tag resolution of plain scalars, without its generality.

    The safe loader has no path resolvers and no wildcard ones, so a scalar's tag depends only
    on the implicit resolvers for its first character: the same answer, with less work per
    scalar (a large glossary has a million of them).
    """

    _by_first = yaml.SafeLoader.yaml_implicit_resolvers

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is yaml.ScalarNode:
            if implicit[0]:
                for tag, regexp in self._by_first.get(value[:1], ()):
                    if regexp.match(value):
                        return tag
            return _STR_TAG
        return super().resolve(kind, value, implicit)  # type: ignore[misc]


_FAST_LOADER = type("_FastCSafeLoader", (_FastResolver, _C_LOADER), {}) if _C_LOADER is not None else None


def _compose(text: str, file: Path, loader_class: Any) -> tuple[Any, yaml.Node | None]:
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, None
        try:
            return _construct(node, file, loader), node
        except _Unusual:
            _check_duplicate_keys(node, file)
            return loader.construct_document(node), node
    finally:
        loader.dispose()


def _check_duplicate_keys(node: yaml.Node, file: Path) -> None:
    """Raise on a key given twice in one mapping, naming the entry (top-level item) it is in."""
    for top in node.value if isinstance(node, yaml.SequenceNode) else [node]:
        entry = _entry_id(top)
        stack = [top]
        while stack:
            n = stack.pop()
            if isinstance(n, yaml.MappingNode):
                seen: dict[str, int] = {}
                for key, value in n.value:
                    if isinstance(key, yaml.ScalarNode):
                        _first_key(seen, key, file, entry)
                    stack.append(value)
            elif isinstance(n, yaml.SequenceNode):
                stack.extend(n.value)


def _entry_id(top: yaml.Node) -> str | None:
    """The id of a top-level entry node, for error messages (None when it has no plain id)."""
    id_node = _key_node(top, "id")
    return id_node.value if isinstance(id_node, yaml.ScalarNode) else None


def _first_key(seen: dict[str, int], key: yaml.ScalarNode, file: Path, entry: str | None) -> None:
    """Record a mapping's key in ``seen`` (key -> line), raising if the mapping had it already."""
    if key.value in seen:
        raise GlossaryError(
            f"duplicate key '{key.value}' (first on line {seen[key.value]})",
            file=str(file), line=key.start_mark.line + 1, entry=entry,
        )  # fmt: skip
    seen[key.value] = key.start_mark.line + 1


class _Unusual(Exception):
    """A document _construct leaves to the safe constructor (merge keys, recursion, odd tags)."""


def _construct(node: yaml.Node, file: Path, loader: Any) -> Any:
    """The data of ``node`` as the safe constructor builds it, and duplicate keys as errors.

    Strings, lists and mappings (nearly all of a glossary) are built here in one walk that
    also checks for duplicate keys; other scalars (numbers, booleans, null) go to the safe
    constructor. Anything unusual raises _Unusual, and the caller takes the safe constructor's
    way for the whole document.
    """
    building: set[int] = set()

    def build(n: yaml.Node, entry: str | None) -> Any:
        kind = type(n)
        if kind is yaml.ScalarNode:
            return n.value if n.tag == _STR_TAG else loader.construct_object(n, deep=True)
        if id(n) in building:
            raise _Unusual  # a recursive alias
        building.add(id(n))
        try:
            if kind is yaml.SequenceNode and n.tag == _SEQ_TAG:
                return [build(item, entry) for item in n.value]
            if kind is not yaml.MappingNode or n.tag != _MAP_TAG:
                raise _Unusual
            out: dict[Any, Any] = {}
            seen: dict[str, int] = {}
            for key, value in n.value:
                if type(key) is not yaml.ScalarNode or key.tag not in (_STR_TAG, "tag:yaml.org,2002:int"):
                    raise _Unusual  # merge keys, complex keys
                _first_key(seen, key, file, entry)
                out[build(key, entry)] = build(value, entry)
            return out
        finally:
            building.discard(id(n))

    if isinstance(node, yaml.SequenceNode) and node.tag == _SEQ_TAG:
        return [build(top, _entry_id(top)) for top in node.value]
    return build(node, _entry_id(node))


def _read_vocabulary(file: Path, problems: list[GlossaryError]) -> Vocabulary:
    try:
        data, _ = _load_yaml(file)
    except GlossaryError as exc:
        problems.append(exc)
        return Vocabulary()
    if not isinstance(data, dict) or not isinstance(data.get("used_by"), dict):
        problems.append(GlossaryError("expected a mapping with 'used_by' and 'categories'", file=str(file)))
        return Vocabulary()
    return Vocabulary({str(k): str(v) for k, v in data["used_by"].items()}, tuple(map(str, data.get("categories") or ())))


def _line(node: yaml.Node | None) -> int | None:
    return node.start_mark.line + 1 if node is not None else None


def _items(node: yaml.Node | None) -> list[yaml.Node | None]:
    return list(node.value) if isinstance(node, yaml.SequenceNode) else []


def _key_line(node: yaml.Node | None, key: str) -> int | None:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                return _line(v)
    return _line(node)


def _key_node(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                found: yaml.Node = v
                return found
    return None


def _read_entry_file(file: Path, vocab: Vocabulary, problems: list[GlossaryError]) -> Iterator[Entry]:
    try:
        data, node = _load_yaml(file)
    except GlossaryError as exc:
        problems.append(exc)
        return
    if data is None:
        return
    if not isinstance(data, list):
        problems.append(GlossaryError("expected a list of entries", file=str(file), line=_line(node)))
        return
    nodes = _items(node)
    for i, raw in enumerate(data):
        entry_node = nodes[i] if i < len(nodes) else None
        checker = _EntryChecker(file, entry_node, vocab, problems)
        entry = checker.entry(raw)
        if entry is not None:
            yield entry


class _EntryChecker:
    """Validates one raw entry mapping, recording problems with their file and line."""

    def __init__(self, file: Path, node: yaml.Node | None, vocab: Vocabulary, problems: list[GlossaryError]):
        self.file, self.node, self.vocab, self.problems = str(file), node, vocab, problems
        self.id: str | None = None
        self.ok = True

    def error(self, message: str, node: yaml.Node | None = None, key: str | None = None, term: str | None = None) -> None:
        line = _key_line(node if node is not None else self.node, key) if key else _line(node or self.node)
        self.problems.append(GlossaryError(message, file=self.file, line=line, entry=self.id, term=term))
        self.ok = False

    def entry(self, raw: Any) -> Entry | None:
        if not isinstance(raw, dict):
            self.error("an entry must be a mapping")
            return None
        self.id = raw.get("id") if isinstance(raw.get("id"), str) else None
        for key in sorted(set(raw) - ENTRY_KEYS):
            self.error(f"unknown key '{key}'", key=str(key))
        for key in ("id", "label", "category", "definition", "terms"):
            if raw.get(key) in (None, "", []):
                self.error(f"missing required field '{key}'", key=key)
        if self.id is not None and not ID_RE.match(self.id):
            self.error(f"id '{self.id}' is not kebab-case", key="id")
        category = self._str(raw, "category")
        if category and self.vocab.categories and category not in self.vocab.categories:
            self.error(f"unknown category '{category}' (see vocabulary.yaml)", key="category")
        sources = self._str_list(raw, "sources", self.node)
        if not sources:
            self.error("an entry needs at least one source URL", key="sources")
        neutral = raw.get("neutral")
        if neutral is not None and not isinstance(neutral, str):
            self.error("'neutral' must be a string", key="neutral")
            neutral = None
        terms_raw = raw.get("terms")
        terms: list[Term] = []
        if terms_raw is not None and not isinstance(terms_raw, list):
            self.error("'terms' must be a list", key="terms")
        elif terms_raw:
            term_nodes = _items(_key_node(self.node, "terms"))
            for i, t in enumerate(terms_raw):
                term = self.term(t, term_nodes[i] if i < len(term_nodes) else None, neutral)
                if term is not None:
                    terms.append(term)
        distancing = raw.get("distancing", False)
        if not isinstance(distancing, bool):
            self.error("'distancing' must be true or false", key="distancing")
        if not self.ok or self.id is None:
            return None
        return Entry(
            id=self.id,
            label=str(raw["label"]),
            category=str(category),
            definition=" ".join(str(raw["definition"]).split()),
            terms=tuple(terms),
            neutral=neutral,
            related=tuple(self._str_list(raw, "related", self.node)),
            sources=tuple(sources),
            uncertain=self._str(raw, "uncertain"),
            distancing=bool(distancing),
            file=self.file,
            line=_line(self.node),
        )

    def term(self, raw: Any, node: yaml.Node | None, neutral: str | None) -> Term | None:
        if not isinstance(raw, dict):
            self.error("a term must be a mapping", node)
            return None
        form = raw.get("form")
        label = form if isinstance(form, str) else None
        before = len(self.problems)

        def err(message: str, key: str | None = None) -> None:
            self.error(message, node, key, term=label)

        for key in sorted(set(raw) - TERM_KEYS):
            err(f"unknown key '{key}'", str(key))
        if not isinstance(form, str) or not form.strip():
            err("missing required field 'form' (a non-empty string)", "form")
        lang = raw.get("lang")
        if not isinstance(lang, str):
            err("missing or non-string 'lang' (quote language tags in YAML)", "lang")
        elif (why := check_language_tag(lang)) is not None:
            err(f"invalid language tag '{lang}': {why}", "lang")
        term_type = raw.get("type")
        if term_type not in TERM_TYPES:
            err(f"'type' must be one of {', '.join(TERM_TYPES)}", "type")
        status = raw.get("status", default_status(str(term_type)))
        if status not in STATUSES:
            err(f"'status' must be one of {', '.join(STATUSES)}", "status")
        used_by = self._str_list(raw, "used_by", node, label)
        for who in used_by:
            if self.vocab.used_by and who not in self.vocab.used_by:
                err(f"unknown used_by '{who}' (see vocabulary.yaml)", "used_by")
        flags = {k: raw.get(k, d) for k, d in (("loaded", False), ("case_sensitive", False), ("stem", False), ("fuzzy", True))}
        for k, v in flags.items():
            if not isinstance(v, bool):
                err(f"'{k}' must be true or false", k)
        note = raw.get("note")
        if note is not None and not isinstance(note, str):
            err("'note' must be a string", "note")
        sources = self._str_list(raw, "sources", node, label)
        ambiguous = raw.get("ambiguous")
        if ambiguous is not None and not isinstance(ambiguous, str):
            err("'ambiguous' must be a sentence saying what else the form can mean", "ambiguous")
        context = self._context(raw.get("context"), node, label)
        correct_to = raw.get("correct_to")
        if correct_to is not None and not isinstance(correct_to, str):
            err("'correct_to' must be a form of this entry", "correct_to")
        if flags["loaded"] is True:
            if not note:
                err("a loaded term needs a 'note' saying why it is contested", "note")
            if not used_by:
                err("a loaded term needs 'used_by'", "used_by")
            if not neutral:
                err("the entry of a loaded term needs a 'neutral' alternative", "loaded")
        if len(self.problems) > before:
            return None
        return Term(
            form=" ".join(str(form).split()) if isinstance(form, str) else "",
            lang=str(lang),
            type=str(term_type),
            status=str(status),
            entry=str(self.id),
            used_by=tuple(used_by),
            loaded=bool(flags["loaded"]),
            note=" ".join(note.split()) if isinstance(note, str) and note.strip() else None,
            sources=tuple(sources),
            case_sensitive=bool(flags["case_sensitive"]),
            stem=bool(flags["stem"]),
            fuzzy=bool(flags["fuzzy"]),
            ambiguous=ambiguous,
            context=context,
            correct_to=correct_to,
            file=self.file,
            line=_line(node),
        )

    def _context(self, raw: Any, node: yaml.Node | None, label: str | None) -> Context | None:
        if raw is None:
            return None
        if not isinstance(raw, dict):
            self.error("'context' must be a mapping", node, "context", term=label)
            return None
        for key in sorted(set(raw) - CONTEXT_KEYS):
            self.error(f"unknown context rule '{key}'", node, "context", term=label)
        rules = {k: tuple(self._str_list(raw, k, node, label)) for k in CONTEXT_KEYS}
        return Context(**rules)

    def _str(self, raw: dict[str, Any], key: str) -> str | None:
        value = raw.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            self.error(f"'{key}' must be a string", key=key)
            return None
        return value

    def _str_list(self, raw: dict[str, Any], key: str, node: yaml.Node | None, term: str | None = None) -> list[str]:
        value = raw.get(key)
        if value is None:
            return []
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.error(f"'{key}' must be a list of strings", node, key, term=term)
            return []
        return value


def check_language_tag(tag: str) -> str | None:
    """Why ``tag`` is not a valid BCP-47 tag known to CLDR (via babel), or None when it is.

    >>> check_language_tag("ug-Arab") is None, check_language_tag("zh-Latn-pinyin") is None
    (True, True)
    >>> check_language_tag("xx-Nope")
    "unknown language 'xx'"
    """
    from .languages import known_languages, known_scripts, known_territories

    parts = tag.split("-")
    if not parts[0] or parts[0] not in known_languages():
        return f"unknown language '{parts[0]}'"
    for sub in parts[1:]:
        if len(sub) == 4 and sub.isalpha():
            if sub.title() not in known_scripts():
                return f"unknown script '{sub}'"
        elif (len(sub) == 2 and sub.isalpha()) or (len(sub) == 3 and sub.isdigit()):
            if sub.upper() not in known_territories():
                return f"unknown region '{sub}'"
        elif not (5 <= len(sub) <= 8 and sub.isalnum()):
            return f"malformed subtag '{sub}'"
    return None


def _read_style(file: Path, problems: list[GlossaryError]) -> Style | None:
    try:
        raw, _ = _load_yaml(file)
    except GlossaryError as exc:
        problems.append(exc)
        return None
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
        problems.append(GlossaryError("a style needs a mapping with an 'id'", file=str(file)))
        return None
    unknown = sorted(set(raw) - STYLE_KEYS)
    if unknown:
        problems.append(GlossaryError(f"unknown key '{unknown[0]}' in style", file=str(file)))
    prefer = raw.get("prefer") or {}
    script = raw.get("chinese_script", "keep")
    if not isinstance(prefer, dict) or script not in ("keep", "hans", "hant"):
        problems.append(
            GlossaryError("'prefer' must map entry ids to forms; 'chinese_script' is keep, hans or hant", file=str(file))
        )
        return None
    return Style(
        id=raw["id"],
        label=str(raw.get("label") or raw["id"]),
        description=" ".join(str(raw.get("description") or "").split()),
        evidence=tuple(map(str, raw.get("evidence") or ())),
        prefer={str(k): str(v) for k, v in prefer.items()},
        chinese_script=script,
        file=str(file),
    )


def _cross_checks(entries: dict[str, Entry], styles: dict[str, Style]) -> list[GlossaryError]:
    problems: list[GlossaryError] = []
    for entry in entries.values():
        for rel in entry.related:
            if rel not in entries:
                problems.append(
                    GlossaryError(f"related id '{rel}' does not exist", file=entry.file, line=entry.line, entry=entry.id)
                )
        forms = {t.form for t in entry.terms}
        for t in entry.terms:
            if t.correct_to is not None and t.correct_to not in forms:
                problems.append(
                    GlossaryError(
                        f"correct_to '{t.correct_to}' is not a form of this entry",
                        file=t.file,
                        line=t.line,
                        entry=entry.id,
                        term=t.form,
                    )
                )
        if not any(t.lang == "en" for t in entry.terms):
            problems.append(
                GlossaryError("an entry needs at least one English ('en') term", file=entry.file, line=entry.line, entry=entry.id)
            )
    for style in styles.values():
        for entry_id, form in style.prefer.items():
            preferred_entry = entries.get(entry_id)
            if preferred_entry is None:
                problems.append(
                    GlossaryError(f"style '{style.id}' prefers a form for unknown entry '{entry_id}'", file=style.file)
                )
            elif not any(t.form == form for t in preferred_entry.terms):
                problems.append(
                    GlossaryError(
                        f"style '{style.id}' prefers '{form}', which is not a form of this entry", file=style.file, entry=entry_id
                    )
                )
    return problems


def get_style(styles: dict[str, Style], name: str) -> Style:
    """The house style called ``name``; raises :class:`StyleError` listing the known ones."""
    try:
        return styles[name]
    except KeyError:
        raise StyleError(f"unknown style '{name}'", style=name, hint=f"known styles: {', '.join(sorted(styles))}") from None

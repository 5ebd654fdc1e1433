"""The benchmark corpus: real articles and real text with glossary forms in them, made reproducibly.

Three kinds of document, mixed by size:

* ``news``: the paragraphs of one seed article (``seeds/``, real reporting on Xinjiang), reordered
  and interleaved with paragraphs of other seed articles, so the natural density of the domain's
  vocabulary is kept;
* ``general``: real English text (the ``fortunes`` collection, each entry reflowed into one
  paragraph as article text is: no hard line breaks or indentation) with glossary forms put in
  between its words now and then, some of them the way real copy spells them: upper or title case,
  a no-break space or a line break inside a phrase, a soft hyphen inside a word, a possessive
  with a curly apostrophe, in quotation marks;
* ``chinese``: real Chinese text (the ``fortunes-zh`` collection, reflowed the same way) with the glossary's Chinese
  forms put in between its characters.

The text sources are Debian packages (``apt-get install fortunes fortunes-zh``); without them
the generator falls back to the seeds alone (and Chinese made of the glossary's own Chinese
forms and phrases of the OpenCC dictionary that ships with termnorm's dependencies) and says so.
Everything random comes from one ``random.Random(seed)``: the same sources, glossary and
arguments give the same corpus, byte for byte (its SHA-256 is printed with the results).
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
DATA = Path(__file__).resolve().parent / "data"
FORTUNES = Path("/usr/share/games/fortunes")
ENGLISH_FORTUNES = ("literature", "wisdom", "science", "people", "education", "politics", "work", "definitions")
CHINESE_FORTUNES = ("chinese", "tang300", "song100")

# Share of each kind of document, by size.
MIX = {"news": 0.3, "general": 0.4, "chinese": 0.3}
# One glossary form put in per this many characters of general text (English / Chinese).
INSERT_EVERY = {"general": 1500, "chinese": 600}

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


@dataclass(frozen=True)
class Document:
    """One document of the corpus."""

    id: str
    kind: str
    text: str


@dataclass(frozen=True)
class Sources:
    """The real text the corpus is made from, with where each part came from."""

    news: tuple[tuple[str, ...], ...]  # the paragraphs of each seed article
    english: tuple[str, ...]
    chinese: tuple[str, ...]
    origin: dict[str, str]


def _fortunes(names: Sequence[str], *, chinese: bool = False) -> list[str]:
    """The entries of fortune files, each reflowed into one paragraph as article text is."""
    out: list[str] = []
    for name in names:
        path = FORTUNES / name
        if not path.is_file():
            continue
        raw = _ANSI.sub("", path.read_text(encoding="utf-8", errors="replace"))
        for entry in raw.split("\n%\n"):
            # hard line breaks and indentation go; Chinese lines join without a space
            text = re.sub(r"[ \t]*\n\s*", "" if chinese else " ", entry.strip())
            text = re.sub(r"[ \t]+", " ", text)
            if len(text) > 40:
                out.append(text)
    return out


def _paragraphs(text: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in re.split(r"\n\s*\n", text) if len(p.strip()) > 20)


def load_sources(glossary_forms: Sequence[str]) -> Sources:
    """Read the seeds and whatever real text is installed; fall back to what termnorm ships."""
    news = tuple(_paragraphs(p.read_text(encoding="utf-8")) for p in sorted(SEEDS.glob("*.txt")))
    origin = {"news": f"seeds/ ({len(news)} articles)"}
    english = _fortunes(ENGLISH_FORTUNES)
    if english:
        origin["general"] = f"{FORTUNES}/{{{','.join(ENGLISH_FORTUNES)}}} (Debian package fortunes)"
    else:
        english = [p for article in news for p in article]
        origin["general"] = "seeds/ again (install the Debian package fortunes for other English text)"
    chinese = _fortunes(CHINESE_FORTUNES, chinese=True)
    if chinese:
        origin["chinese"] = f"{FORTUNES}/{{{','.join(CHINESE_FORTUNES)}}} (Debian package fortunes-zh)"
    else:
        chinese = _fallback_chinese(glossary_forms)
        origin["chinese"] = "OpenCC phrase list and glossary forms (install the Debian package fortunes-zh for real Chinese text)"
    return Sources(news, tuple(english), tuple(chinese), origin)


def _fallback_chinese(glossary_forms: Sequence[str]) -> list[str]:
    """Chinese 'paragraphs' of dictionary phrases, when no Chinese prose is installed."""
    words: list[str] = [f for f in glossary_forms if _is_han_text(f)]
    try:
        import opencc  # opencc-python-reimplemented, a termnorm dependency

        folder = Path(opencc.__file__).parent / "dictionary"
        for line in (folder / "STPhrases.txt").read_text(encoding="utf-8").splitlines()[:20000]:
            words.append(line.split("\t", 1)[0])
    except (ImportError, OSError):
        pass
    rng = random.Random(0)
    return ["".join(rng.choice(words) + rng.choice("，。、的了是在") for _ in range(60)) for _ in range(200)]


def _is_han_text(s: str) -> bool:
    return any("\u4e00" <= c <= "\u9fff" for c in s)


def _noisy(form: str, rng: random.Random) -> str:
    """A form as real copy sometimes has it: other case, odd spaces, invisible characters."""
    roll = rng.random()
    if _is_han_text(form):
        return f"“{form}”" if roll < 0.1 else form
    if roll < 0.10:
        return form.upper()
    if roll < 0.20 and " " in form:
        return form.replace(" ", "\u00a0", 1)
    if roll < 0.25 and " " in form:
        return form.replace(" ", "\n", 1)
    if roll < 0.32 and len(form) > 5:
        cut = rng.randrange(2, len(form) - 2)
        return form[:cut] + "\u00ad" + form[cut:] if form[cut - 1].isalpha() and form[cut].isalpha() else form
    if roll < 0.42 and form[-1:].isalpha():
        return form + "’s"
    if roll < 0.50:
        return f"“{form}”"
    if roll < 0.60:
        return form[:1].upper() + form[1:]
    return form


def _with_forms(paragraph: str, forms: Sequence[str], every: int, rng: random.Random, *, spaced: bool) -> str:
    """``paragraph`` with glossary forms put in, about one per ``every`` characters."""
    pieces: list[str] = []
    pos = 0
    n = len(paragraph)
    nxt = 0
    while True:
        nxt += rng.randrange(every // 2, every * 3 // 2)
        if nxt >= n:
            break
        if spaced:
            cut = paragraph.find(" ", nxt)
            if cut < 0:
                break
            pieces += [paragraph[pos : cut + 1], _noisy(rng.choice(forms), rng), " "]
            pos = nxt = cut + 1
        else:
            # between two Han characters, never inside a Latin word or a table
            cut = next(
                (i for i in range(nxt, min(n, nxt + 80)) if _is_han_text(paragraph[i - 1]) and _is_han_text(paragraph[i])), -1
            )
            if cut < 0:
                continue
            pieces += [paragraph[pos:cut], _noisy(rng.choice(forms), rng)]
            pos = nxt = cut
    pieces.append(paragraph[pos:])
    return "".join(pieces)


def _news_doc(sources: Sources, rng: random.Random) -> str:
    article = list(rng.choice(sources.news))
    other = rng.choice(sources.news)
    rng.shuffle(article)
    take = rng.randrange(3, 9)
    mixed = article[: max(take, len(article) // 2)] + rng.sample(other, min(len(other), 3))
    return "\n\n".join(mixed) + "\n"


def _general_doc(sources: Sources, forms: Sequence[str], rng: random.Random) -> str:
    paras = rng.sample(sources.english, min(len(sources.english), rng.randrange(6, 20)))
    text = "\n\n".join(paras)
    return _with_forms(text, forms, INSERT_EVERY["general"], rng, spaced=True) + "\n"


def _chinese_doc(sources: Sources, forms: Sequence[str], rng: random.Random) -> str:
    paras = rng.sample(sources.chinese, min(len(sources.chinese), rng.randrange(4, 12)))
    text = "\n\n".join(paras)
    return _with_forms(text, forms, INSERT_EVERY["chinese"], rng, spaced=False) + "\n"


def generate(forms: Sequence[str], size_mb: float, seed: int = 20240601) -> Iterator[Document]:
    """Documents until their UTF-8 size reaches ``size_mb`` megabytes (10**6 bytes)."""
    rng = random.Random(seed)
    sources = load_sources(forms)
    ordered = sorted(set(forms))
    latin = [f for f in ordered if not _is_han_text(f)]
    han = [f for f in ordered if _is_han_text(f)]
    made = dict.fromkeys(MIX, 0)
    goal = size_mb * 1e6
    total = 0
    index = 0
    while total < goal:
        kind = min(MIX, key=lambda k: made[k] / MIX[k])  # the kind furthest below its share
        if kind == "news":
            text = _news_doc(sources, rng)
        elif kind == "general":
            text = _general_doc(sources, latin, rng)
        else:
            text = _chinese_doc(sources, han or latin, rng)
        size = len(text.encode("utf-8"))
        made[kind] += size
        total += size
        yield Document(f"{kind}-{index:06d}", kind, text)
        index += 1


def corpus(
    forms: Sequence[str], size_mb: float, *, seed: int = 20240601, refresh: bool = False
) -> tuple[list[Document], dict[str, str]]:
    """The corpus of ``size_mb`` megabytes for these forms, written to (and read back from) ``benchmarks/data``.

    Returns the documents and a description: sources, size, SHA-256.
    """
    forms_hash = hashlib.sha256("\n".join(sorted(set(forms))).encode("utf-8")).hexdigest()[:12]
    path = DATA / f"corpus-{size_mb:g}mb-{seed}-{forms_hash}.jsonl"
    if refresh or not path.is_file():
        DATA.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        with tmp.open("w", encoding="utf-8") as fh:
            for doc in generate(forms, size_mb, seed):
                fh.write(json.dumps({"id": doc.id, "kind": doc.kind, "text": doc.text}, ensure_ascii=False) + "\n")
        tmp.replace(path)
    docs = [Document(**json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines()]
    digest = hashlib.sha256("".join(d.text for d in docs).encode("utf-8")).hexdigest()
    info = load_sources(forms).origin
    info.update(path=str(path.relative_to(REPO)), sha256=digest[:16])
    return docs, info

"""HTML and Markdown documents reduced to plain text, the text annotations then index.

Annotation offsets of an HTML or Markdown input index the text these functions return, not the
markup: the same input always gives the same text, so the offsets can be reproduced with
:func:`extract_text`. Scripts, styles and other non-prose elements are dropped; block elements
become paragraph breaks; character references are resolved.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

FORMATS = ("text", "html", "markdown")
_SKIP = frozenset({"script", "style", "noscript", "template", "svg", "math", "iframe", "object", "canvas", "select", "button"})
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})
_BLOCK = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "caption",
        "dd",
        "details",
        "dialog",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "thead",
        "tfoot",
        "tr",
        "ul",
        "title",
    ]
)
_CELL = frozenset({"td", "th"})
_SPACE_RE = re.compile(r"\s+")


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip_depth = 0
        self.pre_depth = 0
        self.head_depth = 0
        self.pending = 0  # line breaks owed before the next text: 0, 1 (br) or 2 (new block)
        self.at_line_start = True

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            if tag not in _VOID:
                self.skip_depth += 1
            return
        if tag == "head":
            self.head_depth += 1
        elif tag == "br":
            self.pending = max(self.pending, 1)
        elif tag in _BLOCK:
            self.pending = 2
        elif tag in _CELL and not self.at_line_start:
            self._emit(" ")
        if tag == "pre":
            self.pre_depth += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.pending = max(self.pending, 1)
        elif tag == "hr":
            self.pending = 2

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip_depth = max(0, self.skip_depth - 1)
        elif tag == "head":
            self.head_depth = max(0, self.head_depth - 1)
        elif tag in _BLOCK:
            self.pending = 2
        if tag == "pre":
            self.pre_depth = max(0, self.pre_depth - 1)

    def handle_data(self, data: str) -> None:
        if self.skip_depth or (self.head_depth and not self._in_title()):
            return
        if not self.pre_depth:
            data = _SPACE_RE.sub(" ", data)
            if self.at_line_start or self.pending:
                data = data.lstrip(" ")
        if not data:
            return
        if self.pending and self.out:
            self.out.append("\n" * self.pending)
        self.pending = 0
        self._emit(data)

    def _in_title(self) -> bool:
        return self.lasttag == "title"

    def _emit(self, text: str) -> None:
        self.out.append(text)
        self.at_line_start = text.endswith("\n")

    def text(self) -> str:
        lines = "".join(self.out).split("\n")
        return "\n".join(line.rstrip(" ") for line in lines).strip("\n") + "\n"


def html_to_text(html: str) -> str:
    """The readable text of an HTML document: scripts and styles dropped, blocks as paragraphs.

    >>> html_to_text("<h1>Uighurs</h1><p>In <b>Ürümqi</b>&nbsp;&amp; Kashgar.<script>x()</script></p>")
    'Uighurs\\n\\nIn Ürümqi & Kashgar.\\n'
    """
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    return parser.text()


def markdown_to_text(markdown: str) -> str:
    """The readable text of a Markdown document: markup, link targets and images' URLs dropped.

    >>> markdown_to_text("# Uyghurs\\n\\nThe **so-called** [camps](https://example.org) in *Xinjiang*.")
    'Uyghurs\\n\\nThe so-called camps in Xinjiang.\\n'
    """
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    return html_to_text(md.render(markdown))


def extract_text(text: str, fmt: str) -> str:
    """The text to annotate for a document of format ``text``, ``html`` or ``markdown``.

    >>> extract_text("<p>Uyghur</p>", "html"), extract_text("<p>Uyghur</p>", "text")
    ('Uyghur\\n', '<p>Uyghur</p>')
    """
    if fmt == "html":
        return html_to_text(text)
    if fmt == "markdown":
        return markdown_to_text(text)
    return text


def format_of(name: str) -> str:
    """The document format a file name suggests: ``html``, ``markdown`` or ``text``.

    >>> format_of("a/b.HTM"), format_of("notes.md"), format_of("article.txt")
    ('html', 'markdown', 'text')
    """
    lower = name.lower()
    if lower.endswith((".html", ".htm", ".xhtml")):
        return "html"
    if lower.endswith((".md", ".markdown", ".mdown", ".mkd")):
        return "markdown"
    return "text"

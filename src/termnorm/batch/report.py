"""report.html: one self-contained page to read a batch run's results in a browser.

The page has the corpus overview (counts, the framing of the whole corpus and of each document as
an inline SVG chart), a table of the entries found, the problems met, and each document's text
with its annotations highlighted by kind. Clicking (or hovering) a highlight opens a card with the
entry, who uses the form, its note and the neutral alternative; filters narrow the documents by
entry and by loaded or quoted terms.

Nothing is loaded from the network and no document data is ever put into script: the one static
script reads ``data-`` attributes. Every piece of text from the corpus is escaped with
:func:`html.escape`, and a Content-Security-Policy allows only that script (by its hash), so even
markup that slipped through could not run.
"""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import IO, Any

from .highlight import esc

# One colour per used_by side, in the order of the glossary's vocabulary: warm for the PRC side,
# cool for international bodies and media, green and purple for rights groups and the diaspora.
PALETTE = (
    "#c0392b", "#e67e22", "#f0b429", "#a04000", "#7b8794", "#9aa5b1", "#148f77", "#2874a6",
    "#1b2f6e", "#5dade2", "#27ae60", "#8e44ad", "#a1887f", "#c8b6a6", "#b0bec5", "#d5d8dc",
)  # fmt: skip
CHART_LABEL, CHART_BAR, CHART_N, ROW = 300, 520, 56, 22
PROBLEMS_SHOWN = 200


@lru_cache(maxsize=1)
def assets() -> tuple[str, str]:
    """The report's stylesheet and script (package data)."""
    folder = resources.files("termnorm.batch")
    return (folder / "report.css").read_text(encoding="utf-8"), (folder / "report.js").read_text(encoding="utf-8")


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


@dataclass(frozen=True)
class ReportData:
    """What report.html shows, gathered when the run finishes."""

    title: str
    subtitle: str
    corpus: Mapping[str, Any]  # CorpusTotals.profile()
    entries: Sequence[Mapping[str, Any]]  # rows of CorpusTotals.top_entries(), all of them
    sides: Mapping[str, str]  # used_by side -> description, in vocabulary order
    chart: Sequence[Mapping[str, Any]]  # profiles of the documents shown, with "seq"
    problems: Sequence[Mapping[str, Any]]
    term_notes: str  # highlight.term_info blocks of the terms used
    fragments: Path  # the documents' HTML, in order
    shown: int  # documents in the report
    notes: Sequence[str] = field(default_factory=tuple)


def write_report(path: Path, data: ReportData) -> None:
    """Write report.html (streaming the documents' fragments from their part file)."""
    css, js = assets()
    csp = f"default-src 'none'; style-src '{_sha256(css)}'; script-src '{_sha256(js)}'; img-src data:; base-uri 'none'; form-action 'none'"
    with path.open("w", encoding="utf-8") as fh:
        fh.write(
            '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta http-equiv="Content-Security-Policy" content="{esc(csp)}">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            '<meta name="referrer" content="no-referrer">\n'
            f"<title>{esc(data.title)}</title>\n<style>{css}</style>\n</head>\n<body>\n"
            f'<header class="top"><h1>{esc(data.title)}</h1><p>{esc(data.subtitle)}</p></header>\n<main>\n'
        )
        fh.write(_overview(data))
        fh.write(_chart_section(data))
        fh.write(_entries_section(data))
        if data.problems:
            fh.write(_problems_section(data))
        fh.write(_documents_head(data))
        _copy(data.fragments, fh)
        fh.write(
            '</section>\n<div id="terms" hidden>\n' + data.term_notes + "</div>\n"
            '<aside id="card" role="dialog" aria-label="Term" hidden><button type="button" class="close" aria-label="Close">×</button>'
            '<div class="card-body"></div><div class="card-occ"></div></aside>\n'
            "<footer>Made with termnorm. Highlights describe who uses a term; they take no side.</footer>\n"
            f"</main>\n<script>{js}</script>\n</body>\n</html>\n"
        )


def _copy(src: Path, fh: IO[str]) -> None:
    with src.open(encoding="utf-8") as part:
        shutil.copyfileobj(part, fh, 1 << 20)


def _stat(label: str, value: object, small: str = "") -> str:
    extra = f" <small>{esc(small)}</small>" if small else ""
    return f'<div class="stat"><dt>{esc(label)}</dt><dd>{esc(value)}{extra}</dd></div>'


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "–"


def _top(counter: Mapping[str, int], n: int = 3) -> str:
    return ", ".join(f"{k} {v}" for k, v in list(counter.items())[:n])


def _overview(data: ReportData) -> str:
    c = data.corpus
    n = c["annotations"]
    stats = [
        _stat("Documents", f"{c['documents']:,}", f"{c['annotated']:,} annotated"),
        _stat("Skipped / failed", f"{c['skipped']:,} / {c['failed']:,}"),
        _stat("Terms found", f"{n:,}", f"{len(c['entries'])} entries"),
        _stat("Loaded terms", f"{c['loaded']:,}", f"{_share(c['loaded'], n)} of terms"),
        _stat("Quoted", f"{c['quoted']:,}", f"{_share(c['quoted'], n)} of terms"),
        _stat("Languages", _top(c["languages"]) or "–"),
        _stat("Encodings", _top(c["encodings"]) or "–"),
    ]
    notes = "".join(f'<p class="note-line">{esc(x)}</p>' for x in data.notes)
    return f'<section id="overview"><h2>Corpus</h2><dl class="stats">{"".join(stats)}</dl>{notes}</section>\n'


def side_colors(sides: Iterable[str]) -> dict[str, str]:
    """A colour per side, in vocabulary order.

    >>> side_colors(["prc-official", "un"])
    {'prc-official': '#c0392b', 'un': '#e67e22'}
    """
    return {s: PALETTE[i % len(PALETTE)] for i, s in enumerate(sides)}


def _legend(data: ReportData, used: Sequence[str], colors: Mapping[str, str]) -> str:
    items = [f'<li title="{esc(data.sides.get(s, ""))}">{_swatch(colors[s])}{esc(s)}</li>' for s in used]
    items.append('<li><span class="sw hatch"></span>share of them quoted</li>')
    return '<ul class="legend">' + "".join(items) + "</ul>"


def _swatch(color: str) -> str:
    # an SVG swatch, not a style attribute: the page's Content-Security-Policy allows no inline styles
    return f'<svg class="sw" width="12" height="12" aria-hidden="true"><rect width="12" height="12" rx="2" fill="{color}"/></svg>'


def _chart_section(data: ReportData) -> str:
    framing = data.corpus["framing"]
    used = [s for s in data.sides if s in framing] + [s for s in framing if s not in data.sides]
    colors = side_colors([*data.sides, *(s for s in framing if s not in data.sides)])
    prefix = common_folder([str(r["source"]) for r in data.chart])
    rows = [{"seq": None, "source": "Whole corpus", "framing": framing, "framing_quoted": data.corpus["framing_quoted"]}]
    rows += [{**r, "source": str(r["source"])[len(prefix) :]} for r in data.chart]
    intro = (
        "Each bar splits a document's terms by who uses the form (a form several sides use counts for each). "
        "The hatched part of a segment is the share of those terms that stand in quotation marks or after a "
        "distancing word; the number is the terms counted."
    )
    more = f'<p class="note-line">Documents under {esc(prefix)}</p>' if prefix else ""
    if data.corpus["annotated"] > len(data.chart):
        more += f'<p class="note-line">The chart shows the first {len(data.chart):,} documents; summary.csv has every one.</p>'
    return (
        '<section id="framing"><h2>Framing by document</h2>'
        f'<p class="note-line">{esc(intro)}</p>{_legend(data, used, colors)}'
        f'<div class="chart-wrap">{framing_chart(rows, used, colors)}</div>{more}</section>\n'
    )


def common_folder(sources: Sequence[str]) -> str:
    """The folder all sources share, with its trailing slash ('' if none), to shorten chart labels.

    >>> common_folder(["corpus/a/1.txt", "corpus/b/2.txt"]), common_folder(["a.txt"]), common_folder([])
    ('corpus/', '', '')
    """
    try:
        folder = os.path.commonpath([os.path.dirname(s) for s in sources])
    except ValueError:  # none, or absolute and relative paths mixed
        return ""
    return folder + "/" if folder and all(s.startswith(folder + "/") for s in sources) else ""


def framing_chart(rows: Sequence[Mapping[str, Any]], sides: Sequence[str], colors: Mapping[str, str]) -> str:
    """An inline SVG: one 100% bar per row, a segment per side, the quoted share hatched."""
    width = CHART_LABEL + CHART_BAR + CHART_N
    height = ROW * len(rows) + 24
    out = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="Framing by document">',
        '<defs><pattern id="hatch" width="5" height="5" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
        '<rect width="2" height="5" fill="#ffffff" fill-opacity="0.75"/></pattern></defs>',
    ]
    for pct in (0, 50, 100):
        x = CHART_LABEL + CHART_BAR * pct / 100
        out.append(f'<line x1="{x:.1f}" y1="14" x2="{x:.1f}" y2="{height}" stroke="#d9dee7"/>')
        anchor = "start" if pct == 0 else "end" if pct == 100 else "middle"
        out.append(f'<text x="{x:.1f}" y="10" class="n" text-anchor="{anchor}">{pct}%</text>')
    for i, row in enumerate(rows):
        out.append(_chart_row(20 + i * ROW, row, sides, colors))
    out.append("</svg>")
    return "".join(out)


def _label(row: Mapping[str, Any]) -> str:
    text = str(row["source"]) + (f" [{row['id']}]" if row.get("id") is not None else "")
    return text if len(text) <= 40 else "…" + text[-39:]


def _chart_row(y: int, row: Mapping[str, Any], sides: Sequence[str], colors: Mapping[str, str]) -> str:
    framing: Mapping[str, int] = row.get("framing", {})
    quoted: Mapping[str, int] = row.get("framing_quoted", {})
    total = sum(framing.values())
    full = str(row["source"]) + (f" [{row['id']}]" if row.get("id") is not None else "")
    if row["seq"] is None:
        label = f'<text x="0" y="{y + 13}" font-weight="700">{esc(row["source"])}</text>'
    else:
        label = f'<a href="#d{row["seq"]}"><title>{esc(full)}</title><text class="lbl" x="0" y="{y + 13}">{esc(_label(row))}</text></a>'
    parts = [label]
    if not total:
        parts.append(f'<rect x="{CHART_LABEL}" y="{y + 3}" width="{CHART_BAR}" height="{ROW - 8}" fill="#eef0f3"/>')
        parts.append(f'<text x="{CHART_LABEL + 6}" y="{y + 13}" class="n">no terms with a known user</text>')
    x = float(CHART_LABEL)
    for side in [s for s in sides if framing.get(s)]:
        n, q = framing[side], quoted.get(side, 0)
        w = CHART_BAR * n / total
        tip = f"{side}: {n} term{'s' if n != 1 else ''}, {q} quoted"
        parts.append(
            f'<g><title>{esc(tip)}</title><rect x="{x:.2f}" y="{y + 3}" width="{w:.2f}" height="{ROW - 8}" fill="{colors.get(side, "#999999")}"/>'
        )
        if q:
            parts.append(f'<rect x="{x:.2f}" y="{y + 3}" width="{w * q / n:.2f}" height="{ROW - 8}" fill="url(#hatch)"/>')
        parts.append("</g>")
        x += w
    parts.append(f'<text x="{width_n()}" y="{y + 13}" class="n" text-anchor="end">{total}</text>')
    return "".join(parts)


def width_n() -> int:
    return CHART_LABEL + CHART_BAR + CHART_N - 4


def _entries_section(data: ReportData) -> str:
    rows = []
    for e in data.entries:
        rows.append(
            f'<tr><td><button type="button" class="pick" data-pick="{esc(e["entry"])}">{esc(e["label"])}</button> '
            f"<code>{esc(e['entry'])}</code></td><td>{esc(e.get('category', ''))}</td>"
            f'<td class="num">{e["count"]:,}</td><td class="num">{e["documents"]:,}</td>'
            f'<td class="num">{e["loaded"]:,}</td><td class="num">{e["quoted"]:,}</td></tr>'
        )
    if not rows:
        rows.append('<tr><td colspan="6">No glossary terms were found.</td></tr>')
    return (
        '<section id="entries"><h2>Entries</h2><p class="note-line">Click an entry to show only its terms in the documents below.</p>'
        '<table><thead><tr><th>Entry</th><th>Category</th><th class="num">Terms</th><th class="num">Documents</th>'
        '<th class="num">Loaded</th><th class="num">Quoted</th></tr></thead><tbody>'
        + "".join(rows)
        + "</tbody></table></section>\n"
    )


def _problems_section(data: ReportData) -> str:
    rows = [f"<tr><td>{esc(p['source'])}</td><td>{esc(p['status'])}</td><td>{esc(p['reason'])}</td></tr>" for p in data.problems]
    total = data.corpus["skipped"] + data.corpus["failed"]
    more = f'<p class="note-line">First {len(rows)} of {total}; errors.jsonl lists all.</p>' if total > len(rows) else ""
    return (
        '<section id="problems"><h2>Skipped and failed documents</h2>'
        '<table class="problems"><thead><tr><th>Document</th><th>Status</th><th>Reason</th></tr></thead><tbody>'
        + "".join(rows)
        + f"</tbody></table>{more}</section>\n"
    )


def _documents_head(data: ReportData) -> str:
    options = ['<option value="">All entries</option>']
    options += [f'<option value="{esc(e["entry"])}">{esc(e["label"])} ({e["count"]:,})</option>' for e in data.entries]
    keys = (
        '<span><span class="k term">term</span> glossary form</span>'
        '<span><span class="k variant">variant</span> spelling that house style rewrites</span>'
        '<span><span class="k loaded">loaded</span> loaded term</span>'
        '<span><span class="k ambiguous">ambiguous</span> could be two entries</span>'
        '<span><span class="k q">quoted</span> in quotation marks or distanced</span>'
    )
    more = ""
    if data.corpus["documents"] > data.shown:
        more = f'<p class="note-line">The first {data.shown:,} documents are shown; annotations.jsonl has all.</p>'
    return (
        '<div class="filters" role="search">'
        f'<label>Entry <select id="f-entry">{"".join(options)}</select></label>'
        '<label>Show <select id="f-kind"><option value="">all terms</option><option value="loaded">loaded terms</option>'
        '<option value="quoted">quoted terms</option><option value="own">terms not quoted</option>'
        '<option value="loaded-own">loaded and not quoted</option></select></label>'
        '<button type="button" id="f-reset">Reset</button><button type="button" id="f-open">Expand / collapse</button>'
        '<span id="f-count"></span></div>\n'
        f'<section id="documents"><h2>Documents</h2><div class="keys">{keys}</div>{more}'
        '<noscript><p class="note-line">Cards and filters need JavaScript; the highlights don\'t.</p></noscript>\n'
    )

"""report.html without a browser: self-contained, everything from the corpus escaped, the parts a reader needs."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from html.parser import HTMLParser

import pytest

from termnorm.batch import BatchOptions, run_batch

PAYLOAD = '<script>document.title="PWNED"</script><img src=x onerror="window.__pwned=1"> "><svg onload=alert(1)>'


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in = tag if tag in ("script", "style") else None

    def handle_data(self, data: str) -> None:
        if self._in == "script":
            self.scripts.append(data)
        elif self._in == "style":
            self.styles.append(data)
        self._in = None


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> str:
    root = tmp_path_factory.mktemp("report")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "01.txt").write_text(f"The Uighurs and “vocational training centres”. {PAYLOAD} Uygur.", encoding="utf-8")
    (corpus / '<img src=x onerror="document.title=1">.txt').write_text("Uyghurs", encoding="utf-8")
    (corpus / "02.jsonl").write_text(json.dumps({"id": PAYLOAD, "text": f"Uighur {PAYLOAD}"}) + "\n", encoding="utf-8")
    (corpus / "03.txt").write_text("", encoding="utf-8")
    run_batch(BatchOptions(inputs=(str(corpus),), out=root / "out", jobs=1))
    return (root / "out" / "report.html").read_text(encoding="utf-8")


def test_no_markup_from_the_corpus_survives(report: str) -> None:
    parser = Tags()
    parser.feed(report)
    names = {tag for tag, _ in parser.tags}
    assert "img" not in names
    assert [tag for tag, _ in parser.tags].count("script") == 1
    assert not any(k.startswith("on") for _, attrs in parser.tags for k in attrs)
    assert "&lt;script&gt;document.title=&quot;PWNED&quot;&lt;/script&gt;" in report
    assert "&lt;img src=x onerror=&quot;document.title=1&quot;&gt;.txt" in report


def test_self_contained_with_a_strict_content_security_policy(report: str) -> None:
    parser = Tags()
    parser.feed(report)
    for tag, attrs in parser.tags:
        for key in ("src", "href"):
            value = attrs.get(key) or ""
            assert not value or value.startswith("#"), (tag, key, value)  # no external resources, only in-page links
    csp = next(a["content"] for t, a in parser.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    assert csp is not None and "default-src 'none'" in csp
    [script] = parser.scripts
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in csp
    assert not any("style" in attrs for _, attrs in parser.tags)  # inline style attributes would be blocked
    assert "http://" not in script and "https://" not in script and "fetch(" not in script


def test_the_report_has_overview_chart_entries_problems_and_documents(report: str) -> None:
    for section in ('id="overview"', 'id="framing"', '<svg class="chart"', 'id="entries"', 'id="problems"', 'id="documents"'):
        assert section in report
    assert 'data-pick="uyghur"' in report and '<option value="uyghur">' in report
    marks = re.findall(r'<mark class="a ([a-z ]+)"[^>]*data-e="([a-z-]+)"', report)
    assert ("variant", "uyghur") in marks  # Uighur: a spelling house style rewrites
    assert any(kind.startswith("loaded") for kind, _ in marks)
    assert re.search(r'<div class="tinfo" id="t\d+"><h3>Uyghur <code>uyghur</code>', report)
    assert "empty document" in report

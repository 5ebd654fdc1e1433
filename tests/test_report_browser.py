"""report.html in a real browser (Debian's headless Chromium): no script from the corpus runs,
highlights open their card when clicked, filters work, and screenshots are saved for a person to see.

The browser is driven through the DevTools protocol over a pipe (``--remote-debugging-pipe``:
commands on file descriptor 3, replies on 4, each a JSON text ended by a NUL byte), so no
websocket client or browser download is needed. Skipped when ``chromium`` is not installed.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import select
import shutil
import subprocess
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from termnorm.batch import BatchOptions, run_batch

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
SEEDS = Path(__file__).resolve().parents[1] / "seeds"
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic", "--hide-scrollbars", "--mute-audio",
]  # fmt: skip
PAYLOADS = {
    "script": '<script>document.title="PWNED-1"; window.__pwned = 1;</script>',
    "img": "<img src=x onerror=\"window.__pwned = 2; document.title='PWNED-2'\">",
    "attr": '"><svg onload="window.__pwned = 3">',
    "close": '</textarea></style></template><b onmouseover="window.__pwned = 4">hover</b>',
}

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)"),
]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A report over a corpus whose texts, file names and ids carry script payloads."""
    root = tmp_path_factory.mktemp("browser")
    corpus = root / "corpus"
    corpus.mkdir()
    payload = " ".join(PAYLOADS.values())
    (corpus / "001-article.txt").write_text(
        f"The Uighurs of Xinjiang. Officials spoke of “vocational training centres”. {payload} "
        f"Rights groups say the detention camps hold Uyghurs and Kazakhs.",
        encoding="utf-8",
    )
    (corpus / '002-<img src=x onerror="window.__pwned=5">.txt').write_text("Uygur and Uighur families.", encoding="utf-8")
    (corpus / "003-page.html").write_text(
        "<html><body><p>Uighurs &lt;img src=x onerror=&quot;window.__pwned=6&quot;&gt;</p>"
        "<script>window.__pwned = 7</script></body></html>",
        encoding="utf-8",
    )
    (corpus / "004-dump.jsonl").write_text(
        json.dumps({"id": PAYLOADS["script"], "text": f"Uyghur {PAYLOADS['img']}"}) + "\n", encoding="utf-8"
    )
    for seed in sorted(SEEDS.glob("*.txt")):
        shutil.copy(seed, corpus / f"010-{seed.name}")
    out = root / "out"
    run_batch(BatchOptions(inputs=(str(corpus),), out=out, jobs=1))
    return out / "report.html"


def test_dump_dom_shows_the_payloads_only_as_text(report: Path, tmp_path: Path) -> None:
    done = subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", report.as_uri()],  # type: ignore[list-item]
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    dom = done.stdout
    assert "<main>" in dom, done.stderr[-2000:]
    elements = Elements()
    elements.feed(dom)
    assert [tag for tag, _ in elements.found].count("script") == 1  # the report's own script, nothing else
    assert not {"img", "iframe", "object", "embed", "textarea", "template"} & {tag for tag, _ in elements.found}
    assert not [(tag, name) for tag, attrs in elements.found for name in attrs if name.startswith("on")]
    assert not [tag for tag, attrs in elements.found if tag == "svg" and "onload" in attrs]
    assert "PWNED" not in dom.split("</title>")[0]
    assert '&lt;script&gt;document.title="PWNED-1"; window.__pwned = 1;&lt;/script&gt;' in dom  # shown as text
    assert '&lt;img src=x onerror="window.__pwned=5"&gt;.txt' in dom  # the file name too


class Elements(HTMLParser):
    """Every element of a page with its attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))


class DevTools:
    """A minimal DevTools-protocol client over ``--remote-debugging-pipe``."""

    def __init__(self, profile: Path) -> None:
        cmd_read, self.cmd_write = os.pipe()
        self.res_read, res_write = os.pipe()

        def wire() -> None:  # in the child: the command pipe becomes fd 3, the reply pipe fd 4
            a, b = os.dup(cmd_read), os.dup(res_write)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.proc = subprocess.Popen(
            [CHROMIUM, *FLAGS, "--remote-debugging-pipe", f"--user-data-dir={profile}", "about:blank"],  # type: ignore[list-item]
            pass_fds=(3, 4), preexec_fn=wire, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        os.close(cmd_read)
        os.close(res_write)
        self.buffer = b""
        self.next_id = 0
        self.events: list[dict[str, Any]] = []
        self.session: str | None = None

    def send(self, method: str, params: dict[str, Any] | None = None, *, browser: bool = False) -> dict[str, Any]:
        self.next_id += 1
        message: dict[str, Any] = {"id": self.next_id, "method": method, "params": params or {}}
        if self.session and not browser:
            message["sessionId"] = self.session
        os.write(self.cmd_write, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read()
            if reply.get("id") == self.next_id:
                assert "error" not in reply, reply
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, method: str, timeout: float = 30) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for i, event in enumerate(self.events):
                if event.get("method") == method:
                    return self.events.pop(i)
            self.events.append(self._read(deadline - time.monotonic()))
        raise TimeoutError(method)

    def _read(self, timeout: float = 60) -> dict[str, Any]:
        while b"\0" not in self.buffer:
            ready, _, _ = select.select([self.res_read], [], [], max(timeout, 0.1))
            if not ready:
                raise TimeoutError("no reply from chromium")
            chunk = os.read(self.res_read, 1 << 20)
            if not chunk:
                raise ConnectionError("chromium closed the pipe")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)  # type: ignore[no-any-return]

    def open(self, url: str, width: int = 1280, height: int = 900) -> None:
        target = self.send("Target.createTarget", {"url": "about:blank"}, browser=True)["targetId"]
        self.session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True}, browser=True)["sessionId"]
        self.send("Page.enable")
        self.send(
            "Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}
        )
        self.send("Page.navigate", {"url": url})
        self.wait_for("Page.loadEventFired")

    def js(self, expression: str) -> Any:
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        assert "exceptionDetails" not in result, result
        return result["result"].get("value")

    def click(self, selector: str) -> None:
        """A real mouse click (pressed and released) in the middle of the element."""
        box = self.js(
            f"(() => {{ const e = document.querySelector({json.dumps(selector)});"
            " window.scrollBy(0, e.getBoundingClientRect().top - innerHeight / 4);"  # a quarter down: room for the card
            " const r = e.getBoundingClientRect(); return {x: r.x + r.width / 2, y: r.y + r.height / 2}; })()"
        )
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", {"type": kind, "x": box["x"], "y": box["y"], "button": "left", "clickCount": 1})

    def screenshot(self, path: Path) -> None:
        data = self.send("Page.captureScreenshot", {"format": "png"})["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))

    def close(self) -> None:
        with contextlib.suppress(OSError, ConnectionError, TimeoutError):
            self.send("Browser.close", browser=True)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self.cmd_write)
        os.close(self.res_read)


@pytest.fixture
def browser(tmp_path: Path) -> Any:
    tools = DevTools(tmp_path / "profile")
    yield tools
    tools.close()


def test_no_script_from_the_corpus_runs_and_highlights_open_their_card(report: Path, browser: DevTools) -> None:
    browser.open(report.as_uri())
    assert browser.js("window.__pwned") is None
    assert browser.js("document.title").startswith("termnorm report:")
    assert browser.js("document.querySelectorAll('script').length") == 1
    assert browser.js("document.querySelectorAll('img, [onerror], [onload], [onmouseover]').length") == 0
    assert browser.js("document.querySelector('#f-count').textContent") == "9 documents"  # the report's own script ran
    assert browser.js("document.querySelectorAll('mark.a').length") > 20
    browser.screenshot(ARTIFACTS / "report-overview.png")

    assert browser.js("document.getElementById('card').hidden") is True
    browser.click("#d0 mark.loaded")
    assert browser.js("document.getElementById('card').hidden") is False
    card = browser.js("document.getElementById('card').innerText")
    assert "Neutral alternative:" in card and "Used by:" in card and "In this text:" in card
    assert "vocational training centres" in card
    browser.screenshot(ARTIFACTS / "report-card.png")

    browser.click("#d0 mark.variant")  # another highlight replaces the card
    card = browser.js("document.getElementById('card').innerText")
    assert "Uyghur" in card and "House style writes:" in card
    browser.send("Input.dispatchKeyEvent", {"type": "keyDown", "key": "Escape", "code": "Escape", "windowsVirtualKeyCode": 27})
    assert browser.js("document.getElementById('card').hidden") is True
    assert browser.js("window.__pwned") is None


def test_filters_by_entry_and_by_loaded_terms(report: Path, browser: DevTools) -> None:
    browser.open(report.as_uri())
    browser.click('button[data-pick="uyghur"]')
    assert browser.js("document.getElementById('f-entry').value") == "uyghur"
    shown = browser.js("[...document.querySelectorAll('mark.a:not(.off)')].map(m => m.dataset.e)")
    assert shown and set(shown) == {"uyghur"}
    hidden = browser.js("[...document.querySelectorAll('details.doc')].filter(d => d.hidden).length")
    assert hidden == browser.js(
        "[...document.querySelectorAll('details.doc')].filter(d => !d.dataset.entries.includes(' uyghur ')).length"
    )
    browser.js("document.getElementById('f-entry').value = ''; document.getElementById('f-kind').value = 'loaded';"
               " document.getElementById('f-kind').dispatchEvent(new Event('change'))")  # fmt: skip
    kinds = browser.js("[...document.querySelectorAll('mark.a:not(.off)')].map(m => m.classList.contains('loaded'))")
    assert kinds and all(kinds)
    browser.screenshot(ARTIFACTS / "report-filtered.png")
    browser.click("#f-reset")
    assert browser.js("document.querySelectorAll('mark.a.off').length") == 0

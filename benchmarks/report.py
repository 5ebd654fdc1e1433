"""The benchmark's Markdown report, and the targets checked against a results file."""

from __future__ import annotations

import sys
from typing import Any

# termnorm annotate (exact) / tool, at least.
RATIO_TARGETS = {"FlashText": 5.0, "flashtext2": 1.5, "spaCy PhraseMatcher": 3.0, "raw pyahocorasick count": 0.5}
# Start-up medians, at most (seconds).
STARTUP_TARGETS = {
    'echo "Uighur" | termnorm normalize - (warm cache)': 0.3,
    'echo "Uighur" | termnorm normalize - (cold cache)': 2.0,
    "termnorm lookup uyghur (warm cache)": 0.3,
}
GROWTH_INPUT_SPREAD = 0.20  # throughput within ±20% of the smallest input's
GROWTH_COMPILE_S = 10.0
GROWTH_SLOWDOWN = 2.0
GROWTH_MEMORY_MB = 500.0


def render(r: dict[str, Any]) -> str:
    """Every section of the results as Markdown."""
    out = [_machine(r), _throughput(r), _disagreements(r), _correctness(r)]
    if "startup" in r:
        out.append(_startup(r))
    if "growth" in r:
        out.append(_growth(r))
    return "\n\n".join(out)


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def _machine(r: dict[str, Any]) -> str:
    m, g, c = r["machine"], r["glossary"], r["corpus"]
    kinds = ", ".join(f"{k} {v} MB" for k, v in c["kinds"].items())
    return "\n".join(
        [
            f"## termnorm benchmark ({r['mode']})",
            "",
            f"- machine: {m['cpu']}, {m['cores']} cores, {m['memory']}; {m['os']}; Python {m['python']}",
            f"- versions: {m['versions']}",
            f"- glossary: {g['entries']} entries, {g['forms']} forms, {g['keys']} match keys ({g['path']})",
            f"- corpus: {r['throughput']['mb']:.1f} MB UTF-8, {r['throughput']['documents']} documents ({kinds}); "
            f"sha256 {c['sha256']}; sources: {c['news']}; {c['general']}; {c['chinese']}",
        ]
    )


def _throughput(r: dict[str, Any]) -> str:
    rows = []
    for name, row in r["throughput"]["tools"].items():
        if "skipped" in row:
            rows.append([name, "–", "–", "–", "–", row["skipped"]])
            continue
        target = RATIO_TARGETS.get(name)
        ratio = f"{row['termnorm_ratio']:.2f}×" + (f" (target ≥ {target:g}×)" if target else "")
        rows.append([name, f"{row['mb_s']:.1f}", ratio, str(row["matches"]), f"{row['build_s']:.2f}", row["note"]])
    header = ["tool", "MB/s", "termnorm ÷ tool", "matches", "build s", "how"]
    return "### Throughput (same corpus, same glossary forms)\n\n" + _table(header, rows)


def _disagreements(r: dict[str, Any]) -> str:
    rows = []
    for name, d in r["throughput"]["disagreements"].items():
        ex = d["examples"]
        ours = "<br>".join(f"`{e}`" for e in ex["termnorm only"]) or "–"
        theirs = "<br>".join(f"`{e}`" for e in ex[f"{name} only"]) or "–"
        rows.append([name, str(d["termnorm_only"]), str(d["tool_only"]), ours, theirs])
    header = [
        "tool",
        "spans only termnorm reports",
        "spans only the tool reports",
        "examples: termnorm only",
        "examples: tool only",
    ]
    return "### Where the tools disagree with termnorm\n\n" + _table(header, rows)


def _correctness(r: dict[str, Any]) -> str:
    table = r["correctness"]["cases"]
    tools = list(dict.fromkeys(t for row in table.values() for t in row))
    rows = [[label, *[_mark(row.get(t, "")) for t in tools]] for label, row in table.items()]
    text = "### Correctness cases (exact spans in the original text)\n\n" + _table(["case", *tools], rows)
    if r["correctness"]["not_in_glossary"]:
        text += "\n\nNot run (form not in this glossary): " + "; ".join(r["correctness"]["not_in_glossary"])
    return text


def _mark(verdict: str) -> str:
    return "✓" if verdict == "ok" else f"✗ {verdict}".replace("\n", "\\n")


def _startup(r: dict[str, Any]) -> str:
    rows = []
    for label, s in r["startup"].items():
        target = STARTUP_TARGETS.get(label)
        rows.append([label, f"{s['median']:.3f}", f"≤ {target:g}" if target else "–", ", ".join(f"{t:.3f}" for t in s["runs"])])
    text = "### Start-up (whole process, median seconds)\n\n" + _table(["command", "median s", "target s", "runs"], rows)
    if r.get("imports"):
        text += "\n\nSlowest imports of `termnorm.cli` (cumulative ms): " + ", ".join(
            f"{n} {ms:.0f}" for n, ms in r["imports"][:8]
        )
    return text


def _growth(r: dict[str, Any]) -> str:
    g = r["growth"]
    first = g["input"][0]["mb_s"]
    rows = [
        [
            f"{x['mb']:.0f} MB" if x["mb"] >= 1 else f"{x['mb']:.1f} MB",
            f"{x['mb_s']:.1f}",
            f"{x['mb_s'] / first - 1:+.0%}",
            f"{x['peak_mb']:.0f}",
        ]
        for x in g["input"]
    ]
    text = "### Growth: one input of each size\n\n" + _table(["input", "MB/s", "vs smallest", "peak memory MB"], rows)
    s, real = g["glossary"]["synthetic"], g["glossary"]["real"]
    rows = [
        [
            "shipped glossary",
            str(real["forms"]),
            str(real["keys"]),
            f"{real['load_s']:.2f}",
            f"{real['mb_s']:.1f}",
            "1.00×",
            f"{real['peak_mb']:.0f}",
        ],
        [
            f"+ synthetic ({g['glossary']['synthetic_forms']} forms)",
            str(s["forms"]),
            str(s["keys"]),
            f"{s['load_s']:.2f}",
            f"{s['mb_s']:.1f}",
            f"{real['mb_s'] / s['mb_s']:.2f}×",
            f"{s['peak_mb']:.0f}",
        ],
    ]
    header = ["glossary", "forms", "match keys", "read + compile s", "MB/s", "slowdown", "peak memory MB"]
    return text + "\n\n### Growth: glossary size\n\n" + _table(header, rows)


def check(r: dict[str, Any]) -> int:
    """Print each target with its figure; 1 when one is missed, 0 when all are met."""
    failures = 0

    def report(ok: bool, what: str) -> None:
        nonlocal failures
        failures += not ok
        print(f"{'ok  ' if ok else 'MISS'} {what}")

    tools = r["throughput"]["tools"]
    for name, target in RATIO_TARGETS.items():
        row = tools.get(name, {})
        if "termnorm_ratio" not in row:
            print(f"skip {name}: not measured")
            continue
        report(row["termnorm_ratio"] >= target, f"termnorm ÷ {name} = {row['termnorm_ratio']:.2f}× (target ≥ {target:g}×)")
    for label, target in STARTUP_TARGETS.items():
        if label in r.get("startup", {}):
            median = r["startup"][label]["median"]
            report(median <= target, f"{label}: {median:.3f} s (target ≤ {target:g} s)")
    if "growth" in r:
        curve = r["growth"]["input"]
        for x in curve[1:]:
            change = x["mb_s"] / curve[0]["mb_s"] - 1
            report(
                abs(change) <= GROWTH_INPUT_SPREAD,
                f"{x['mb']:.0f} MB input: {change:+.0%} throughput vs {curve[0]['mb']:g} MB (target ±20%)",
            )
        s, real = r["growth"]["glossary"]["synthetic"], r["growth"]["glossary"]["real"]
        report(
            s["load_s"] <= GROWTH_COMPILE_S,
            f"synthetic glossary read + compile: {s['load_s']:.1f} s (target ≤ {GROWTH_COMPILE_S:g} s)",
        )
        report(
            real["mb_s"] / s["mb_s"] <= GROWTH_SLOWDOWN,
            f"synthetic glossary slowdown: {real['mb_s'] / s['mb_s']:.2f}× (target ≤ 2×)",
        )
        report(s["peak_mb"] <= GROWTH_MEMORY_MB, f"synthetic glossary peak memory: {s['peak_mb']:.0f} MB (target ≤ 500 MB)")
    print(f"{failures} target(s) missed" if failures else "all targets met", file=sys.stderr)
    return 1 if failures else 0

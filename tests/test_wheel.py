"""The wheel ships the glossary: build it, install it in a clean virtual environment, look a term up.

Slow (a build and a pip install from the package index, helped by pip's cache), but part of
the default run: it is the only test that sees the package as users get it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, f"{' '.join(cmd)} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


@pytest.mark.slow
def test_wheel_installs_and_ships_the_glossary(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    run([sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(REPO)], cwd=tmp_path)
    [wheel] = dist.glob("termnorm-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    shipped = {n for n in names if n.startswith("termnorm/glossary/")}
    assert {f"termnorm/glossary/{p.name}" for p in (REPO / "glossary").glob("*.yaml")} <= shipped
    assert {f"termnorm/glossary/styles/{p.name}" for p in (REPO / "glossary" / "styles").glob("*.yaml")} <= shipped

    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", str(venv)], cwd=tmp_path)
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    run([str(bin_dir / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(wheel)], cwd=tmp_path)

    outside = tmp_path / "elsewhere"
    outside.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "NO_COLOR")}
    env |= {"TERMNORM_CACHE_DIR": str(tmp_path / "cache"), "PATH": f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"}
    where = run([str(bin_dir / "python"), "-c", "import termnorm; print(termnorm.__file__)"], cwd=outside, env=env)
    assert Path(where.stdout.strip()).is_relative_to(venv), "termnorm was not imported from the clean environment"

    proc = run([str(bin_dir / "termnorm"), "lookup", "uighur"], cwd=outside, env=env)
    assert proc.stdout.startswith("Uyghur  (uyghur, ethnonym)")
    assert "維吾爾" in proc.stdout  # a derived traditional form: OpenCC's data ships with the dependency

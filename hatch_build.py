"""Build hook: compile termnorm's C core (src/termnorm/_core.c) into the wheel.

The core is optional. When no C compiler is at hand the wheel is built without it, with a
warning, and termnorm runs its pure-Python path (same results, several times slower).
Set TERMNORM_NO_C=1 to build without it on purpose.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


def compile_core(root: Path, out_dir: Path) -> Path:
    """Compile the extension with setuptools' build_ext; return the built file."""
    from setuptools import Distribution, Extension
    from setuptools.command.build_ext import build_ext

    source = root / "src" / "termnorm" / "_core.c"
    ext = Extension("termnorm._core", [str(source)], extra_compile_args=["-O3", "-std=c11"])
    dist = Distribution({"name": "termnorm", "ext_modules": [ext]})
    cmd = build_ext(dist)
    cmd.build_lib = str(out_dir)
    cmd.build_temp = str(out_dir / "temp")
    cmd.ensure_finalized()
    cmd.run()
    return Path(cmd.get_ext_fullpath("termnorm._core"))


class CoreBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or os.environ.get("TERMNORM_NO_C"):
            return
        root = Path(self.root)
        work = Path(tempfile.mkdtemp(prefix="termnorm-build-"))
        try:
            built = compile_core(root, work)
        except Exception as exc:  # noqa: BLE001 - any failure means: ship the pure-Python path
            self.app.display_warning(f"termnorm: C core not built ({exc}); the pure-Python path will be used")
            shutil.rmtree(work, ignore_errors=True)
            return
        build_data["pure_python"] = False
        build_data["infer_tag"] = True
        if version == "editable":
            # an editable install imports from src/: the module goes next to the sources
            target = root / "src" / "termnorm" / built.name
            shutil.copy2(built, target)
        else:
            keep = Path(self.directory) / "core-build"
            keep.mkdir(parents=True, exist_ok=True)
            target = keep / built.name
            shutil.copy2(built, target)
            build_data["force_include"][str(target)] = f"termnorm/{built.name}"
        shutil.rmtree(work, ignore_errors=True)

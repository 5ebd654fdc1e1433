"""Golden cases kept as data in tests/cases/*.yaml, turned into pytest parameters."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

CASES = Path(__file__).parent / "cases"


def load_cases(name: str) -> list[Any]:
    """Golden cases of one file as pytest params, id ``group: label``, known failures xfail(strict)."""
    groups = yaml.safe_load((CASES / name).read_text(encoding="utf-8"))
    params = []
    for group, cases in groups.items():
        for case in cases:
            marks = [pytest.mark.xfail(strict=True, reason=case["xfail"])] if case.get("xfail") else []
            params.append(pytest.param(case, id=f"{group}: {case['label']}", marks=marks))
    return params

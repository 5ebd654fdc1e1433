"""Typo-tolerant matching (filled in by the fuzzy-matching work; exact matches pass through)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .fold import Folded
from .matcher import RawMatch

if TYPE_CHECKING:
    from .compiled import Glossary


def fuzzy_matches(text: str, folded: Folded, glossary: Glossary, exact: list[RawMatch]) -> list[RawMatch]:
    """The exact matches plus fuzzy ones for misspelled forms, in text order."""
    return exact

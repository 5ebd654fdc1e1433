"""``termnorm batch``: annotate whole corpora (see termnorm.batch)."""

from __future__ import annotations

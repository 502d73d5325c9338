"""Golden files: the one place that reads them and, under UPDATE_GOLDEN=1, rewrites them.

After an intended change: `UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py
tests/test_site_text.py`, then review the diff."""

from __future__ import annotations

import os
from pathlib import Path

GOLDEN = Path(__file__).parent / "golden"


def golden(path: Path, actual: str) -> str:
    """The golden text at `path` (under UPDATE_GOLDEN=1, `actual` is written there first), for the caller
    to compare with `actual` as it sees fit."""
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"no golden file {path}; run with UPDATE_GOLDEN=1 to create it"
    return path.read_text(encoding="utf-8")

"""Where things are: the data folder ($SUANLI_DATA, else data/ in the working directory), and where
the build reports its generator's timings when a benchmark asks ($SUANLI_TIMINGS)."""

import json
import os
from pathlib import Path


def data_dir() -> Path:
    return Path(os.environ.get("SUANLI_DATA") or "data")


def record_timing(phase: str, seconds: float) -> None:
    """Append one phase's time to $SUANLI_TIMINGS (a JSON-lines file), if set; otherwise nothing."""
    target = os.environ.get("SUANLI_TIMINGS")
    if target:
        with open(target, "a", encoding="utf-8") as out:
            out.write(json.dumps({"phase": phase, "seconds": round(seconds, 4)}, ensure_ascii=False) + "\n")

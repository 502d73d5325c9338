"""Where the data folder is: $SUANLI_DATA, else data/ in the working directory."""

import os
from pathlib import Path


def data_dir() -> Path:
    return Path(os.environ.get("SUANLI_DATA") or "data")

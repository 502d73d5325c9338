"""The checks check.yml runs on the code, also run here so a change that fails them fails the suite."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import REPO

BIN = Path(sys.executable).parent


@pytest.mark.parametrize(
    "command",
    [["ruff", "check", "."], ["ruff", "format", "--check", "."], ["mypy"]],
    ids=["ruff check", "ruff format", "mypy"],
)
def test_the_code_passes(command, tmp_path):
    # their caches in the test's own folder: a run leaves the checkout as it was
    env = {**os.environ, "RUFF_CACHE_DIR": str(tmp_path / "ruff"), "MYPY_CACHE_DIR": str(tmp_path / "mypy")}
    result = subprocess.run(
        [str(BIN / command[0]), *command[1:]], cwd=REPO, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr

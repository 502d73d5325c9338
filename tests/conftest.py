"""Session fixtures: real builds of the shipped data and of a demo folder, made once."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import SHIPPED_DATA, build
from suanli.demo import write_demo

DEMO_WEEKS = 12


@pytest.fixture(scope="session")
def shipped_site(tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("shipped") / "site"
    result = build(SHIPPED_DATA, site)
    assert result.returncode == 0, result.stderr
    return site


@pytest.fixture(scope="session")
def shipped_build_log(tmp_path_factory) -> str:
    site = tmp_path_factory.mktemp("shipped-log") / "site"
    result = build(SHIPPED_DATA, site)
    assert result.returncode == 0, result.stderr
    return result.stdout + result.stderr


@pytest.fixture(scope="session")
def demo_data(tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("demo") / "data"
    write_demo(data, weeks=DEMO_WEEKS)
    return data


@pytest.fixture(scope="session")
def demo_site(demo_data, tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("demo-site") / "site"
    result = build(demo_data, site)
    assert result.returncode == 0, result.stderr
    return site

"""Session fixtures: real builds of the shipped data and of a demo folder, made once."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import pytest
from playwright import sync_api as playwright_api

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


CHROMIUM = Path(os.environ.get("SUANLI_CHROMIUM") or "/usr/bin/chromium")  # GitHub's runners: google-chrome
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium (installed by `make test`), driven by Playwright; never skipped."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make test` (installs Debian's chromium)", pytrace=False)
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@contextlib.contextmanager
def watched_page(browser, origin: str, **context_options):
    """A fresh page that records console errors, page errors and requests to any other origin in `page.problems`."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="light",
                                  accept_downloads=True, **context_options)
    page = context.new_page()
    page.problems = []
    page.on("console", lambda m: m.type == "error" and page.problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda e: page.problems.append(f"pageerror: {e}"))
    page.on("request", lambda r: r.url.startswith(origin) or r.url.startswith("data:")
            or page.problems.append(f"external request: {r.url}"))
    try:
        yield page
    finally:
        context.close()

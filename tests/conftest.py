"""Session fixtures: real builds of the frozen real issue and of a demo folder, made once."""

from __future__ import annotations

import contextlib
import os
import signal
import time
import uuid
from pathlib import Path

import pytest
from playwright import sync_api as playwright_api

from helpers import REAL_DATA, build
from suanli.authoring.demo import write_demo

DEMO_WEEKS = 12

# Every process this test run starts, and every process those start, inherits this variable; at the end
# of the run any that is still alive is listed, killed, and fails the run (a test must stop what it starts).
RUN_MARK = "SUANLI_TEST_RUN"


def pytest_configure(config):
    os.environ[RUN_MARK] = uuid.uuid4().hex


def processes_of_this_run() -> dict[int, str]:
    mark = f"{RUN_MARK}={os.environ[RUN_MARK]}".encode()
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            if mark in (entry / "environ").read_bytes().split(b"\0"):
                found[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # gone meanwhile, or not ours to read
            continue
    return found


def pytest_sessionfinish(session, exitstatus):
    if not Path("/proc/self/environ").exists():
        return  # not Linux: no way to look
    deadline = time.monotonic() + 5  # a process told to stop by the last test gets its five seconds
    while (survivors := processes_of_this_run()) and time.monotonic() < deadline:
        time.sleep(0.2)
    if not survivors:
        return
    for pid in survivors:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    lines = [f"{len(survivors)} process(es) started by the tests were still running (now killed):"]
    lines += [f"  {pid}: {command}" for pid, command in sorted(survivors.items())]
    if reporter:
        reporter.write_line("\n".join(lines), red=True)
    session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(scope="session")
def real_site(tmp_path_factory) -> Path:
    """The frozen real 2024-12-11 issue (tests/fixtures/real), built."""
    site = tmp_path_factory.mktemp("real") / "site"
    result = build(REAL_DATA, site)
    assert result.returncode == 0, result.stderr
    return site


@pytest.fixture(scope="session")
def real_build_log(tmp_path_factory) -> str:
    site = tmp_path_factory.mktemp("real-log") / "site"
    result = build(REAL_DATA, site)
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
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


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
    """A fresh page that records console errors, page errors, requests to any other origin and
    Content-Security-Policy violations (the page's `securitypolicyviolation` events, reported from an
    init script, and console messages about the policy) in `page.problems`; a CSP entry starts with "csp"."""
    options = {"viewport": {"width": 1280, "height": 900}, "color_scheme": "light", "accept_downloads": True}
    context = browser.new_context(**{**options, **context_options})
    problems: list[str] = []
    context.expose_function("__suanliCspViolation", lambda text: problems.append(f"csp violation: {text}"))
    context.add_init_script("""document.addEventListener("securitypolicyviolation", e => window.__suanliCspViolation(
        [e.effectiveDirective, e.blockedURI, e.sourceFile + ":" + e.lineNumber, e.sample].join(" | ")));""")
    page = context.new_page()
    page.problems = problems
    # Playwright runs a wait_for_function expression through eval() on every poll: the pages' policy
    # forbids eval, and only the first poll is exempt. A function is evaluated once, then called.
    import re

    function = re.compile(r"\s*(async\s+)?(function\b|\([^)]*\)\s*=>|[\w$]+\s*=>)")
    wait_for_function = page.wait_for_function
    page.wait_for_function = lambda expression, *args, **kwargs: wait_for_function(
        expression if function.match(expression) else f"() => ({expression})", *args, **kwargs
    )
    page.on(
        "console",
        lambda m: (
            page.problems.append(f"csp console: {m.text}")
            if "Content Security Policy" in m.text
            else m.type == "error" and page.problems.append(f"console: {m.text}")
        ),
    )
    page.on("pageerror", lambda e: page.problems.append(f"pageerror: {e}"))
    page.on(
        "request",
        lambda r: (
            r.url.startswith(origin) or r.url.startswith("data:") or page.problems.append(f"external request: {r.url}")
        ),
    )
    try:
        yield page
    finally:
        context.close()

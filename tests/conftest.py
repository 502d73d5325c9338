"""Session fixtures: real builds of the frozen real issue and of a demo folder, made once."""

from __future__ import annotations

import contextlib
import os
import signal
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright import sync_api as playwright_api

from helpers import REAL_DATA, REPO, build, hostile_data, minimal_data, serving
from suanli.authoring.demo import write_demo
from support import free_port, marked_processes

DEMO_WEEKS = 12
# The session's builds: a fixed hash seed and a fixed sitemap date, so another build of the same data under
# another seed compares byte for byte (test_integrity.py)
BUILD_ENV = {"PYTHONHASHSEED": "1", "SOURCE_DATE_EPOCH": "1733875200"}

# Every process this test run starts, and every process those start, inherits this variable; at the end
# of the run any that is still alive is listed, killed, and fails the run (a test must stop what it starts).
RUN_MARK = "SUANLI_TEST_RUN"


# The checkout's generator cache: tests build with caches of their own, so a run leaves it as it was.
CHECKOUT_CACHE = REPO / ".cache"


def cache_state() -> dict[str, tuple[int, int]]:
    """Every file under the checkout's .cache/ with its size and modification time."""
    return {
        path.relative_to(CHECKOUT_CACHE).as_posix(): (path.stat().st_size, path.stat().st_mtime_ns)
        for path in CHECKOUT_CACHE.rglob("*")
        if path.is_file()
    }


def pytest_configure(config):
    os.environ[RUN_MARK] = uuid.uuid4().hex  # in each process that runs tests (each xdist worker)


def processes_of_this_run() -> dict[int, str]:
    return marked_processes(f"{RUN_MARK}={os.environ[RUN_MARK]}".encode(), os.getpid())


@pytest.fixture(scope="session", autouse=True)
def nothing_left_behind():
    """Set up first, so torn down last, in each process that runs tests: afterwards the checkout's .cache/
    is as it was, and no process the tests started is still running (any that is, is killed). Either fails
    the run, as an error in the last test's teardown."""
    before = cache_state()
    yield
    problems = []
    if cache_state() != before:
        problems.append(f"the tests changed {CHECKOUT_CACHE}: a build ran without a cache folder of its own")
    if Path("/proc/self/environ").exists():  # Linux: the only place to look
        deadline = time.monotonic() + 5  # a process told to stop by the last test gets its five seconds
        while (survivors := processes_of_this_run()) and time.monotonic() < deadline:
            time.sleep(0.2)
        for pid in survivors:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        if survivors:
            problems.append(f"{len(survivors)} process(es) started by the tests were still running (now killed):")
            problems += [f"  {pid}: {command}" for pid, command in sorted(survivors.items())]
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


@dataclass(frozen=True)
class BuiltSite:
    """A data set built for `origin` (its site_url: instant navigation needs them to match) and served there
    until the test session ends. Tests only read it."""

    data: Path
    site: Path
    origin: str
    log: str  # the build's output (its INFO lines time the generator)


@pytest.fixture(scope="session")
def demo_data(tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("demo") / "data"
    write_demo(data, weeks=DEMO_WEEKS)
    return data


@pytest.fixture(scope="session")
def built_site(tmp_path_factory, demo_data) -> Iterator[Callable[[str], BuiltSite]]:
    """The one fixture factory for built data sets: `built_site(name)` builds the data set `name` the first
    time any test asks for it, serves it, and hands every later test the same build:

    - "real": the frozen real 2024-12-11 issue (tests/fixtures/real);
    - "demo": the demo archive of DEMO_WEEKS weeks (`demo_data`);
    - "hostile": the minimal folder with every free-text field hostile (helpers.hostile_data);
    - "minimal": the minimal folder (helpers.minimal_data: one issue, two charts)."""
    folders: dict[str, Callable[[Path], Path]] = {
        "real": lambda root: REAL_DATA,
        "demo": lambda root: demo_data,
        "hostile": lambda root: hostile_data(root / "data"),
        "minimal": lambda root: minimal_data(root / "data"),
    }
    sites: dict[str, BuiltSite] = {}
    with contextlib.ExitStack() as servers:

        def site_of(name: str) -> BuiltSite:
            if name not in sites:
                root = tmp_path_factory.mktemp(f"built-{name}")
                data, site, port = folders[name](root), root / "site", free_port()
                origin = f"http://127.0.0.1:{port}/"
                result = build(data, site, site_url=origin, env=BUILD_ENV)
                assert result.returncode == 0, result.stderr
                servers.enter_context(serving(site, port))
                sites[name] = BuiltSite(data, site, origin, result.stdout + result.stderr)
            return sites[name]

        yield site_of


@pytest.fixture(scope="session")
def real_site(built_site) -> Path:
    """The frozen real 2024-12-11 issue, built."""
    return built_site("real").site


@pytest.fixture(scope="session")
def real_build_log(built_site) -> str:
    return built_site("real").log


@pytest.fixture(scope="session")
def demo_site(built_site) -> Path:
    return built_site("demo").site


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

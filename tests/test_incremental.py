"""Incremental preview (site/incremental.py): after every save, the site `suanli serve` holds is what a
clean build of the same data makes, byte for byte (sitemap.xml.gz: its content; gzip stamps the time),
though a rebuild renders only the pages whose sources changed; and a running preview runs the generator
code as it is now on disk."""

from __future__ import annotations

import gc
import gzip
import hashlib
import json
import os
import subprocess
import sys
import time
import weakref
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from helpers import REPO, TRACK_ISSUES, build, edit, fetch, minimal_data, preview, track_data, wait_for
from suanli.authoring.demo import write_demo
from support import free_port, snapshot

SERVE_URL = "http://127.0.0.1:8000/"

# Builds as `properdocs serve --dirty` (what `suanli serve` runs) does, in one process: one on_startup,
# then a fresh config and build(dirty=True) into the same site folder per save. argv: data, work folder,
# then the edits by name; after each build the site folder is copied to work/site-N and the data to
# work/data-N, and a line of JSON tells how the build went and how it left the garbage collector.
DRIVER = r"""
import gc, json, shutil, sys, tempfile
from pathlib import Path
import properdocs.__main__ as cli
cli.State()  # ProperDocs' logging and its mkdocs.* logger alias, as `properdocs serve` sets them up
from properdocs.commands.build import build
from properdocs.config import load_config
sys.path.insert(0, sys.argv[3])
import edits

data, work, names = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[4:]
site = tempfile.mkdtemp(prefix="properdocs_", dir=work)

def config():
    c = load_config("mkdocs.yml", site_dir=site, dev_addr="127.0.0.1:8000")
    c.site_url = "http://127.0.0.1:8000/"
    return c

first = config()
first.plugins.on_startup(command="serve", dirty=True)
for n, name in enumerate(["start", *names]):
    getattr(edits, name.replace("-", "_"))(data)
    try:
        build(first if n == 0 else config(), serve_url="http://127.0.0.1:8000/", dirty=True)
        ok = True
    except BaseException as error:  # what serve's builder keeps serving through
        ok = False
    plugin = first.plugins["suanli"]  # the plugin instance outlives the configs, as under serve
    made, idle = plugin.build.incremental, plugin.session.idle_collection
    stats = {"mode": made.mode, "pages": made.rendered}
    collector = {"frozen": gc.get_freeze_count(), "idle_collection": idle is not None and idle.is_alive()}
    shutil.copytree(data, work / f"data-{n}")
    shutil.copytree(site, work / f"site-{n}")
    print(json.dumps({"step": name, "ok": ok, **stats, "collector": collector}), flush=True)
shutil.rmtree(site)
"""

EDITS = r"""
import re
import shutil
from pathlib import Path


def issues(data):
    return sorted(p for p in (data / "issues").iterdir() if p.is_dir())


def sub(path, pattern, replacement):
    text = path.read_text(encoding="utf-8")
    new = re.sub(pattern, replacement, text, count=1, flags=re.M)
    assert new != text, (path, pattern)
    path.write_text(new, encoding="utf-8")


def start(data):
    pass


def title_latest(data):
    sub(issues(data)[-1] / "issue.yaml", r"^title: (.*)$", r"title: \1（改）")


def title_middle(data):
    sub(issues(data)[6] / "issue.yaml", r"^title: (.*)$", r"title: \1（中期改）")


def body(data):
    sub(issues(data)[4] / "issue.yaml", r"^  body: 示例数据。", "  body: 示例数据，改过的正文。")


def stock_cell(data):
    sub(issues(data)[-1] / "stocks.csv", r"^(NVDA\.O),(\d+),", r"\1,99999,")


def price(data):
    # the latest close of a name the issue before the latest recommends (held until the latest issue)
    prices = data / "series/prices.csv"
    latest = issues(data)[-1].name
    listed = re.findall(r"^  - ([0-9A-Z]+\.[A-Z]+)$", (issues(data)[-2] / "issue.yaml").read_text(encoding="utf-8"), re.M)
    ticker = next(t for t in listed if f"{latest},{t}," in prices.read_text(encoding="utf-8"))
    sub(prices, rf"^({latest}),{re.escape(ticker)},[\d.]+$", rf"\1,{ticker},999.99")


def unchanged(data):
    path = issues(data)[3] / "issue.yaml"
    path.write_bytes(path.read_bytes())  # a save that changes nothing


def remove_issue(data):
    shutil.move(issues(data)[-1], data.parent / "held-back")


def new_issue(data):
    held = data.parent / "held-back"
    shutil.move(held, data / "issues" / "2024-12-11")


def alias(data):
    sub(data / "companies.yaml", r"^  - 辉达$", "  - 辉达\n  - 老黄家")


def pinyin(data):
    # a reading by hand: only the company's search field and the index's filter terms change, not its page
    sub(data / "companies.yaml", r"^  name: 长电科技$", "  name: 长电科技\n  pinyin: chang dian ke ji")


def broken_yaml(data):
    sub(issues(data)[5] / "issue.yaml", r"^title: (.*)$", r"title: [\1")


def fixed_yaml(data):
    sub(issues(data)[5] / "issue.yaml", r"^title: \[(.*)$", r"title: \1（修好）")
"""

STEPS = [
    "title-latest",
    "title-middle",
    "body",
    "stock-cell",
    "price",
    "unchanged",
    "remove-issue",
    "new-issue",
    "alias",
    "pinyin",
    "broken-yaml",
    "fixed-yaml",
]


def folder_digest(folder: Path) -> str:
    """Every file's path and bytes."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def differences(served: Path, clean: Path) -> list[str]:
    """Every file that is missing, extra or different (sitemap.xml.gz compared unzipped)."""
    a = {p.relative_to(served).as_posix() for p in served.rglob("*") if p.is_file()}
    b = {p.relative_to(clean).as_posix() for p in clean.rglob("*") if p.is_file()}
    found = [f"only served: {p}" for p in sorted(a - b)] + [f"only clean: {p}" for p in sorted(b - a)]
    for path in sorted(a & b):
        x, y = (served / path).read_bytes(), (clean / path).read_bytes()
        if path.endswith(".gz"):
            x, y = gzip.decompress(x), gzip.decompress(y)
        if x != y:
            found.append(f"differs: {path}")
    return found


@pytest.fixture(scope="module")
def preview_run(tmp_path_factory):
    """The serve-style builds through every edit, and a clean build of the data after each."""
    work = tmp_path_factory.mktemp("incremental")
    data = work / "data"
    write_demo(data, weeks=12)
    (work / "edits.py").write_text(EDITS, encoding="utf-8")
    env = {**os.environ, "SUANLI_DATA": str(data), "SUANLI_CACHE": str(work / "cache")}
    result = subprocess.run(
        [sys.executable, "-c", DRIVER, str(data), str(work), str(work), *STEPS],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    steps = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    collectors = [step.pop("collector") for step in steps]
    assert [s["step"] for s in steps] == ["start", *STEPS], result.stderr[-3000:]

    def clean(n: int) -> Path:
        site = work / f"clean-{n}"
        built = build(work / f"data-{n}", site, SERVE_URL, env={"SUANLI_CACHE": "off"})
        assert built.returncode == 0, built.stderr[-3000:]
        return site

    # one clean build per distinct data folder: a save that changes nothing, or an issue taken out and put
    # back, leaves the data as an earlier step had it, and a clean build of the same data is the same site
    good = [n for n, step in enumerate(steps) if step["ok"]]
    first_with = {}
    for n in good:
        first_with.setdefault(folder_digest(work / f"data-{n}"), n)
    distinct = sorted(first_with.values())
    with ThreadPoolExecutor(2) as pool:
        built = dict(zip(distinct, pool.map(clean, distinct), strict=True))
    cleans = {n: built[first_with[folder_digest(work / f"data-{n}")]] for n in good}
    return work, steps, cleans, result.stderr, collectors


def test_every_serve_build_is_what_a_clean_build_makes(preview_run):
    work, steps, cleans, log, _ = preview_run
    assert [s["step"] for s in steps if not s["ok"]] == ["broken-yaml"], log[-3000:]
    for n, step in enumerate(steps):
        if step["ok"]:
            assert differences(work / f"site-{n}", cleans[n]) == [], (step, log[-2000:])
        else:  # the last good site stays as it was
            assert differences(work / f"site-{n}", work / f"site-{n - 1}") == []
    served = json.loads((work / f"site-{len(steps) - 1}/search/search_index.json").read_text(encoding="utf-8"))
    assert any("（修好）" in doc["title"].replace("\u200b", "") for doc in served["docs"])  # jieba cuts with U+200B


def test_a_save_renders_only_the_pages_it_changed(preview_run):
    _, steps, _, log, _ = preview_run
    by_step = {s["step"]: s for s in steps}
    assert by_step["start"]["mode"] == "full"
    assert by_step["unchanged"] == {"step": "unchanged", "ok": True, "mode": "incremental", "pages": 0}
    # a middle issue's title: its page, its neighbours' (their footers), the archive, company pages that
    # list it; not the 12 weeks' other issue pages
    assert by_step["title-middle"]["mode"] == "incremental"
    assert 3 <= by_step["title-middle"]["pages"] < 30
    assert by_step["body"]["mode"] == "incremental" and by_step["body"]["pages"] <= 2
    # the latest close of a name on the list: the track record and the company's page (its spell), and no
    # issue page (none reads prices)
    assert by_step["price"] == {"step": "price", "ok": True, "mode": "incremental", "pages": 2}
    assert by_step["remove-issue"]["mode"] == "full"  # a file went away
    assert by_step["new-issue"]["mode"] == "incremental"
    assert by_step["alias"]["mode"] == "full"  # the search words changed
    # a company's pinyin by hand: its page's search field (its Markdown is the same) and the index's filter
    assert by_step["pinyin"] == {"step": "pinyin", "ok": True, "mode": "incremental", "pages": 2}
    assert "A 'dirty' build is being performed" not in log


def test_every_preview_build_hands_back_what_it_froze_and_leaves_a_full_collection_for_later(preview_run):
    """A build freezes the session's objects (the garbage collector's passes skip them); a good or failed
    build unfreezes them, or a preview would never free a replaced memo, and leaves the full collection
    for after the reload (site/session.py)."""
    _, steps, _, _, collectors = preview_run
    assert len(collectors) == len(steps) and any(not step["ok"] for step in steps)
    assert collectors == [{"frozen": 0, "idle_collection": True}] * len(steps)


def test_an_idle_collection_frees_cyclic_garbage_unless_a_build_starts_first():
    from suanli.site.session import Session

    class Node:
        pass

    def garbage() -> weakref.ref[Node]:
        node = Node()
        node.self = node  # a cycle: only the garbage collector frees it
        return weakref.ref(node)

    session = Session(serving=True)
    enabled = gc.isenabled()
    gc.disable()  # no automatic collection meanwhile
    try:
        kept = garbage()
        session.collect_when_idle(0.05)
        cancelled = session.idle_collection
        session.cancel_idle_collection()  # a build started
        assert cancelled is not None and session.idle_collection is None
        cancelled.join(5)  # its thread ends without collecting
        assert not cancelled.is_alive() and kept() is not None
        freed = garbage()
        session.collect_when_idle(0.05)
        timer = session.idle_collection
        assert timer is not None and timer.daemon
        timer.join(5)
        assert freed() is None and kept() is None
    finally:
        if enabled:
            gc.enable()


def test_serve_runs_the_generator_code_as_edited(tmp_path):
    """MkDocs keeps the plugin's instance (and its module) for the whole preview; the rest of the generator
    is imported afresh when its code changes, and the disk cache never keeps one code's output under
    another's key."""
    copy = snapshot(tmp_path / "repo")
    data = minimal_data(tmp_path / "data")
    port = free_port()
    url = f"http://127.0.0.1:{port}/issues/2024-12-11/"
    env = {"SUANLI_DATA": str(data), "SUANLI_CACHE": str(tmp_path / "cache"), "PYTHONPATH": str(copy / "gen")}
    log = tmp_path / "serve.log"
    with preview(data, port, log, env=env, cwd=copy):
        wait_for(lambda: "33,079" in fetch(url))
        assert "周报改名测试" not in fetch(url)
        urls = copy / "gen/suanli/render/urls.py"
        edit(urls, 'SERIES_NAME = "算力周跟踪"', 'SERIES_NAME = "周报改名测试"')
        wait_for(lambda: "周报改名测试" in fetch(url))
        edit(urls, 'SERIES_NAME = "周报改名测试"', 'SERIES_NAME = "算力周跟踪"')
        wait_for(lambda: "周报改名测试" not in fetch(url))
        # The watcher passes on changes only: a rebuild reads every watched file, and must not set off another
        time.sleep(1.5)
        settled = log.read_text(encoding="utf-8").count("Detected file changes")
        time.sleep(1.5)
        assert log.read_text(encoding="utf-8").count("Detected file changes") == settled, "rebuilds by itself"
    assert "Traceback" not in log.read_text(encoding="utf-8")
    # a clean build from the cache the preview filled: the code's own output
    site = tmp_path / "site"
    result = subprocess.run(
        [sys.executable, "-m", "properdocs", "build", "--strict", "-d", str(site)],
        cwd=copy,
        env={**os.environ, **env, "SUANLI_SITE_URL": f"http://127.0.0.1:{port}/"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "周报改名测试" not in (site / "issues/2024-12-11/index.html").read_text(encoding="utf-8")


def test_serve_shows_the_qa_findings_in_a_banner_that_no_build_carries(tmp_path):
    """The preview server adds the banner to what it sends; the site folder is a clean build's. A save
    re-checks the issue it changed and the one after it, not the archive."""
    data = track_data(tmp_path / "data")  # its stock tables are not its closes: week-prices findings
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    log = tmp_path / "serve.log"
    with preview(data, port, log):
        wait_for(lambda: "suanli-qa" in fetch(url))
        page = BeautifulSoup(fetch(url), "lxml")
        banner = page.select_one("body > aside.suanli-qa")
        assert banner is not None and "仅在预览中显示" in banner.get_text()
        assert "week-prices" in banner.get_text() and "寒武纪（688256.SH）" in banner.get_text()
        assert any(a["href"].startswith("/issues/") and "#exhibit-" in a["href"] for a in banner.select("a"))
        first = log.read_text(encoding="utf-8").count("issue(s) checked")
        assert f"{len(TRACK_ISSUES)} issue(s) checked" in log.read_text(encoding="utf-8")
        edit(data / "issues/2024-12-11/issue.yaml", "title: 测试周报 2024-12-11", "title: 测试周报 改")
        wait_for(lambda: log.read_text(encoding="utf-8").count("issue(s) checked") > first)
        assert "2 issue(s) checked" in log.read_text(encoding="utf-8").rsplit("QA:", 1)[1]
    site = tmp_path / "site"
    assert build(data, site).returncode == 0
    assert "suanli-qa" not in (site / "index.html").read_text(encoding="utf-8")

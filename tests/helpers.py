"""Small builders for test data folders and real builds."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import subprocess
import sys
import textwrap
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHIPPED_DATA = REPO / "data"  # the authors' data: tests check only what stays true as it grows (test_shipped.py)
REAL_DATA = REPO / "tests/fixtures/real"  # a frozen copy of the real 2024-12-11 issue (tests/fixtures/README.md)

COMPANIES = """\
- ticker: NVDA.O
  name: 英伟达
  name_en: NVIDIA
  sector: CPU/GPU
  aliases: [NVDA, 辉达]
- ticker: 688256.SH
  name: 寒武纪
  sector: CPU/GPU
- ticker: MU.O
  name: 美光
  sector: 存储
"""

ISSUE = """\
title: 测试周报
date: 2024-12-11
period: {start: 2024-12-09, end: 2024-12-11}
rating: {rating: 强于大市, change: 维持}
authors:
  - {name: 测试作者, role: 分析师}
highlights:
  - heading: 要点一
    body: 正文
recommendations:
  - segment: 国产算力链
    companies: [688256.SH]
exhibits:
  - {number: 1, kind: stocks, title: 算力股价本周复盘}
  - {number: 2, kind: traffic, category: text, title: 文本大模型网站访问量周度数据}
"""

STOCKS = """\
ticker,market_cap,currency,week_pct,month_pct,ytd_pct
NVDA.O,"33,079",USD,-5.17%,-2.29,172.82
688256.SH,2248,CNY,-2.74,-4.02,298.96
MU.O,1093,USD,-3.03,0.15,15.29
"""

TRAFFIC = """\
week_start,week_end,category,site,visits
2024-11-29,2024-12-05,text,ChatGPT,89012
2024-11-29,2024-12-05,image,Midjourney,1800
"""


# The track-record data set (track_data): four weekly issues whose 建议关注 exercise the method's cases, in
# three markets with their benchmarks. 2024-12-25 is a holiday in Hong Kong and the US (the issue that day
# is bought at the 12-24 close there); MU.O has no prices at all; NVDA.O is in two segments on 12-11;
# 0700.HK and 688041.SH leave the list on 12-11 and return on 12-18; the closes end on 2024-12-31, before the
# last two issues.
TRACK_ISSUES = {
    "2024-12-04": {"国产算力链": ["688256.SH", "688041.SH"], "海外": ["NVDA.O", "0700.HK"]},
    "2024-12-11": {"国产算力链": ["688256.SH"], "海外": ["NVDA.O"], "存储": ["MU.O", "NVDA.O"]},
    "2024-12-18": {"国产算力链": ["688256.SH", "688041.SH"], "海外": ["0700.HK"]},
    "2024-12-25": {"国产算力链": ["688256.SH"], "海外": ["NVDA.O", "0700.HK"], "存储": ["MU.O"]},
    "2025-01-01": {},  # no 建议关注: the lists before end here (capped at the latest close, 12-31)
    "2025-01-08": {"国产算力链": ["688256.SH"]},  # after the latest close: pending
}
TRACK_COMPANIES = (
    COMPANIES
    + """\
- ticker: 688041.SH
  name: 海光信息
  sector: CPU/GPU
- ticker: 0700.HK
  name: 腾讯控股
  sector: 云计算
"""
)
TRACK_BENCHMARKS = """\
- ticker: 000300.SH
  name: 沪深300
  markets: [SH, SZ, BJ]
- ticker: HSI.HI
  name: 恒生指数
  markets: [HK]
- ticker: IXIC.GI
  name: 纳斯达克综合指数
  markets: [O, N]
"""
TRACK_HOLIDAYS = {
    "HK": {"2024-12-25", "2024-12-26"},
    "GI": {"2024-12-25"},
    "O": {"2024-12-25"},
    "HI": {"2024-12-25", "2024-12-26"},
}
TRACK_PRICED = ("688256.SH", "688041.SH", "NVDA.O", "0700.HK", "000300.SH", "HSI.HI", "IXIC.GI")


def track_closes() -> str:
    """prices.csv of the track data set: a close for every priced ticker on every weekday of December 2024
    but its market's holidays; each ticker's own pattern of whole cents, so no two windows return alike."""
    lines = ["date,ticker,close"]
    for day in range(2, 32):
        date = f"2024-12-{day:02d}"
        if dt.date(2024, 12, day).weekday() >= 5:
            continue
        for n, ticker in enumerate(TRACK_PRICED):
            if date in TRACK_HOLIDAYS.get(ticker.rsplit(".", 1)[1], set()):
                continue
            base = 100 + 37 * n
            wiggle = ((day * (n + 3)) % 11 - 5) * 0.73 + day * (0.41 if n % 2 else -0.29)
            lines.append(f"{date},{ticker},{base + wiggle:.2f}")
    return "\n".join(lines) + "\n"


def track_data(root: Path, prices: bool = True) -> Path:
    """The minimal folder with TRACK_ISSUES as its issues and, with `prices`, TRACK_BENCHMARKS and
    track_closes(): the data set the track-record tests check against their own computation."""
    minimal_data(root)
    write(root / "companies.yaml", TRACK_COMPANIES)
    (root / "issues/2024-12-11").rename(root / "issues/.template")
    template = root / "issues/.template"
    for date, segments in TRACK_ISSUES.items():
        period_start = (dt.date.fromisoformat(date) - dt.timedelta(days=2)).isoformat()
        listed = "".join(f"  - segment: {s}\n    companies: [{', '.join(t)}]\n" for s, t in segments.items())
        listed = f"recommendations:\n{listed}" if listed else ""
        issue = (
            ISSUE.replace("date: 2024-12-11", f"date: {date}")
            .replace("period: {start: 2024-12-09, end: 2024-12-11}", f"period: {{start: {period_start}, end: {date}}}")
            .replace("title: 测试周报", f"title: 测试周报 {date}")
            .replace("recommendations:\n  - segment: 国产算力链\n    companies: [688256.SH]\n", listed)
        )
        write(root / f"issues/{date}/issue.yaml", issue)
        (root / f"issues/{date}/stocks.csv").write_bytes((template / "stocks.csv").read_bytes())
    for file in template.iterdir():
        file.unlink()
    template.rmdir()
    write(root / "series/traffic.csv", TRAFFIC + "2024-11-22,2024-11-28,text,ChatGPT,88001\n")
    if prices:
        write(root / "benchmarks.yaml", TRACK_BENCHMARKS)
        write(root / "series/prices.csv", track_closes())
    return root


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def issue_dirs(data: Path) -> list[Path]:
    """A data folder's issue folders, oldest first."""
    return sorted((data / "issues").iterdir())


def minimal_data(root: Path) -> Path:
    """A small valid data folder: three companies, one issue with a stock table and a traffic chart."""
    write(root / "companies.yaml", COMPANIES)
    write(root / "issues/2024-12-11/issue.yaml", ISSUE)
    write(root / "issues/2024-12-11/stocks.csv", STOCKS)
    write(root / "series/traffic.csv", TRAFFIC)
    return root


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def build(
    data: Path,
    site: Path,
    site_url: str = "http://127.0.0.1:8000/",
    env: dict[str, str] | None = None,
    config: Path = REPO / "mkdocs.yml",
) -> subprocess.CompletedProcess:
    """A real, strict MkDocs build of `data` into `site` (what the README's build does), with a cache folder
    of its own beside `site` (unless `env` names one): a test never reads or fills the checkout's .cache/."""
    cache = site.with_name(site.name + ".cache")
    env = {
        **os.environ,
        "SUANLI_DATA": str(data),
        "SUANLI_SITE_URL": site_url,
        "SUANLI_CACHE": str(cache),
        **(env or {}),
    }
    return subprocess.run(
        [sys.executable, "-m", "properdocs", "build", "--strict", "-f", str(config), "-d", str(site)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", *args],
        cwd=repo,
        check=True,
        capture_output=True,
        env={
            **os.environ,
            "GIT_AUTHOR_NAME": "t",
            "GIT_AUTHOR_EMAIL": "t@example.com",
            "GIT_COMMITTER_NAME": "t",
            "GIT_COMMITTER_EMAIL": "t@example.com",
        },
    )


def suanli(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """The `suanli` command run in this process (click's CliRunner) in `cwd`, with `env` added to the
    environment; its exit code and output as a subprocess's would be, an uncaught exception's traceback
    on stderr. (Where a real process is the point, tests start one: serve, signals, the entry point.)"""
    import traceback

    from click.testing import CliRunner

    from suanli.cli import main

    here = os.getcwd()
    os.chdir(cwd or REPO)
    try:
        result = CliRunner().invoke(main, list(args), env=env, prog_name="suanli")
    finally:
        os.chdir(here)
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        stderr += "".join(traceback.format_exception(result.exception))
    return subprocess.CompletedProcess(["suanli", *args], result.exit_code, result.stdout, stderr)


# Strings an author (or a pasted export) could bring: markup, script, quotes, backticks,
# template syntax and Markdown links. Each would set window.__pwned if it ever ran.
PAYLOADS = (
    "</script><script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=1">',
    "\"'`{{ x }}{% raw %}",
    "[点我](javascript:window.__pwned=1)",
    "[点我](&#106;avascript:window.__pwned=1)",
)
HOSTILE = " ".join(PAYLOADS)

# Text cells a spreadsheet would run as formulas (OWASP's CSV injection): in the hostile data set, a 建议关注
# segment, a company's name and sector, and a traffic site. Every CSV writes them with a leading ' and the
# pages show them as written.
FORMULA_SEGMENT = '=HYPERLINK("http://evil.example","点击")'
FORMULA_NAME = "@SUM(1+1)*cmd|' /C calc'!A0"
FORMULA_SECTOR = "-存储" + HOSTILE
FORMULA_SITE = "+cmd|' /C notepad'!A0"

# Link and image targets that run script once a browser has read them: it decodes character
# references (named, decimal, hex, zero-padded, without the semicolon), then its URL parser drops
# leading C0 controls and spaces and every tab, LF and CR, and reads the scheme case-blind.
PWN = "window.__pwned=1"
SCRIPT_URLS = (
    f"javascript:{PWN}",
    f"&#106;avascript:{PWN}",
    f"&#x6A;avascript:{PWN}",
    f"&#X6a;avascript:{PWN}",
    f"&#0000106;avascript:{PWN}",
    f"&#106avascript:{PWN}",
    f"&#x6A&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3A{PWN}",
    f"java&#x09;script:{PWN}",
    f"java&Tab;script:{PWN}",
    f"java&NewLine;script:{PWN}",
    f"java&#13;script:{PWN}",
    f"javascript&colon;{PWN}",
    f"javascript&#58;{PWN}",
    f"JaVaScRiPt:{PWN}",
    f"\x01javascript:{PWN}",
    f" javascript:{PWN}",
    f"&#32;javascript:{PWN}",
    f"jav\tascript:{PWN}",
    f"java\nscript:{PWN}",
    f"java\rscript:{PWN}",
    "vbscript:msgbox(1)",
    f"data:text/html,<script>{PWN}</script>",
    "&#100;ata:text/html;base64,PHNjcmlwdD53aW5kb3cuX19wd25lZD0xPC9zY3JpcHQ+",
)
SAFE_URLS = ("https://example.com/", "HTTP://example.com/", "mailto:analyst@example.com", "#highlights", "../")


def link_forms(url: str, n: int = 0, images: bool = True) -> str:
    """One target in every Markdown form that makes a link (inline, bare and in <>; reference-style;
    autolink) and, unless `images` is false, an image (inline and reference-style)."""
    pictures = f" ![图{n}]({url}) ![引用图{n}][r{n}]" if images else ""
    return f"[内联{n}]({url}) [尖括号{n}](<{url}>) [引用{n}][r{n}]{pictures} <{url}>\n\n[r{n}]: {url}\n"


# The body of a second highlight (the one field rendered from Markdown): every script target in
# every form (as images only those Markdown keeps whole: the others would fetch a harmless 404),
# then the safe ones as links (as images they would fetch from another origin). Targets with a
# control character other than tab and line breaks are left out: validation refuses them
# (control-character) before anything renders; test_markup.py feeds them to the renderer directly.
SCRIPT_LINKS_BODY = "\n".join(
    [
        *(
            link_forms(url, n, images=url.isprintable())
            for n, url in enumerate(SCRIPT_URLS)
            if not any(ord(c) < 32 and c not in "\t\n\r" for c in url)
        ),
        *(link_forms(url, 100 + n, images=False) for n, url in enumerate(SAFE_URLS)),
    ]
)


def hostile_data(root: Path) -> Path:
    """The minimal data folder with every free-text field, name and CSV cell made hostile."""
    h = HOSTILE.replace("'", "''")  # inside single-quoted YAML scalars
    links = json.dumps(SCRIPT_LINKS_BODY, ensure_ascii=False)  # a JSON string is a double-quoted YAML scalar
    minimal_data(root)
    write(
        root / "companies.yaml",
        COMPANIES.replace("name: 英伟达", f"name: '英伟达{h}'")
        .replace("aliases: [NVDA, 辉达]", f"aliases: [NVDA, '辉达{h}']")
        .replace("name: 美光", "name: " + json.dumps(FORMULA_NAME))
        .replace("sector: 存储", "sector: " + json.dumps(FORMULA_SECTOR, ensure_ascii=False)),
    )
    issue = (
        ISSUE.replace("title: 测试周报", f"title: '测试周报{h}'")
        .replace("heading: 要点一", f"heading: '要点一{h}'")
        .replace("body: 正文", f"body: '正文 **粗体** {h}'\n  - heading: 链接\n    body: {links}")
        .replace("segment: 国产算力链", f"segment: '国产算力链{h}'")
        .replace("{name: 测试作者, role: 分析师}", f"{{name: '测试作者{h}', role: '分析师{h}'}}")
        .replace("title: 算力股价本周复盘}", f"title: '算力股价本周复盘{h}', source: '来源{h}', note: '注{h}'}}")
        .replace("exhibits:\n", f"exhibits:\n  - {{number: 9, kind: table, file: launches.csv, title: '表{h}'}}\n")
    )
    issue += f"risks: ['风险{h}']\nrelated:\n  - {{title: '报告{h}', date: 2024-12-01}}\n"
    issue += f"revisions:\n  - {{date: 2024-12-12, note: '更正{h}'}}\n"
    write(root / "issues/2024-12-11/issue.yaml", issue)
    cell = '"' + HOSTILE.replace('"', '""') + '"'
    write(root / "issues/2024-12-11/launches.csv", f"产品,亮点\n{cell},{cell}\n")
    site = '"' + FORMULA_SITE.replace('"', '""') + '"'
    write(root / "series/traffic.csv", TRAFFIC.replace("ChatGPT", cell) + f"2024-11-29,2024-12-05,text,{site},5000\n")
    # a track record: the hostile segments and companies scored against benchmarks with hostile names
    edit(
        root / "issues/2024-12-11/issue.yaml",
        "companies: [688256.SH]",
        "companies: [688256.SH, NVDA.O]\n  - segment: " + json.dumps(FORMULA_SEGMENT, ensure_ascii=False) + "\n"
        "    companies: [MU.O]",
    )
    write(
        root / "benchmarks.yaml",
        f"- {{ticker: 000300.SH, name: '沪深300{h}', markets: [SH, SZ]}}\n"
        f"- {{ticker: IXIC.GI, name: '纳斯达克{h}', markets: [O]}}\n",
    )
    closes = [
        f"2024-12-{day},{ticker},{close + day / 10:.2f}"
        for day in (10, 11, 12, 13)
        for ticker, close in (("688256.SH", 600), ("NVDA.O", 139), ("000300.SH", 3900), ("IXIC.GI", 19700))
    ]
    write(root / "series/prices.csv", "date,ticker,close\n" + "\n".join(closes) + "\n")
    return root


class serving:
    """Serve a built site on localhost for a `with` block (a thread, no reload, quiet)."""

    def __init__(self, site: Path, port: int):
        import functools
        import http.server

        class Quiet(http.server.SimpleHTTPRequestHandler):
            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(
            ("127.0.0.1", port), functools.partial(Quiet, directory=str(site))
        )

    def __enter__(self):
        import threading

        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def first_search_result_is(page, origin: str, query: str, target: str) -> None:
    """Type `query` into Material's search box and wait until its first result is the page `target`
    (a path from the origin), not a section of it; fail with the first results otherwise."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    box = "input.md-search__input"
    page.click(box)
    page.fill(box, query)
    page.press(box, "End")  # typing Chinese via fill alone may not trigger Material's search
    try:
        page.wait_for_function(
            """target => { const a = document.querySelector('.md-search-result__item a');
                           if (!a) return false;
                           const url = new URL(a.href);  // Material adds ?h=<query> for highlighting
                           return url.origin + url.pathname === target && !url.hash; }""",
            arg=origin + target,
            timeout=10000,
        )
    except PlaywrightTimeout:
        first = page.eval_on_selector_all(".md-search-result__item a", "as => as.slice(0, 3).map(a => a.href)")
        raise AssertionError(f"search {query!r}: first results {first}, expected {origin + target}") from None


# charts.js loads Vega and draws a page's charts only once its first chart nears the viewport: a test
# waiting for charts starts each check (JavaScript, in wait_for_function) by bringing the first chart
# into view, as a reader scrolling down would.
REVEAL_CHARTS = "document.querySelector('.suanli-chart')?.scrollIntoView({block: 'center'});"


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode("utf-8")


def wait_for(predicate, timeout: float = 90.0):
    """Poll `predicate` until it returns something true (returned), treating connection errors as not yet."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if result := predicate():
                return result
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError("timed out")


@contextlib.contextmanager
def preview(
    data: Path, port: int, log: Path | None = None, env: dict | None = None, cwd: Path = REPO
) -> Iterator[subprocess.Popen]:
    """`suanli serve` on `data` at `port` for a `with` block, its output in `log` (else discarded), with a
    cache folder of its own beside `data` (unless `env` names one). The block may stop it itself; whatever
    is left is stopped with SIGTERM, and killed if that fails."""
    out = log.open("w", encoding="utf-8") if log else subprocess.DEVNULL
    cache = data.with_name(data.name + f".serve-{port}.cache")
    server = subprocess.Popen(
        [sys.executable, "-m", "suanli.cli", "serve", "--port", str(port)],
        cwd=cwd,
        env={**os.environ, "SUANLI_DATA": str(data), "SUANLI_CACHE": str(cache), **(env or {})},
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    try:
        yield server
    finally:
        if server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        if log:
            out.close()


def follow(page, url: str, lands: str | None = None) -> None:
    """Follow a link to `url` as a reader does (Material's instant navigation takes the click) and wait
    until the page at `lands` (default: `url`) has replaced the one the link was on."""
    page.evaluate(
        """url => { const article = document.querySelector('article'); article.dataset.left = 'true';
                    const a = document.createElement('a'); a.href = url; a.textContent = '→';
                    article.appendChild(a); a.click(); }""",
        url,
    )
    page.wait_for_url(lands or url)
    page.wait_for_function("() => document.querySelector('article') && !document.querySelector('article[data-left]')")

"""Small builders for test data folders and real builds."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHIPPED_DATA = REPO / "data"

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


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


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


def build(data: Path, site: Path, site_url: str = "http://127.0.0.1:8000/") -> subprocess.CompletedProcess:
    """A real, strict MkDocs build of `data` into `site` (what the README's build does)."""
    env = {**os.environ, "SUANLI_DATA": str(data), "SUANLI_SITE_URL": site_url}
    return subprocess.run(
        [sys.executable, "-m", "properdocs", "build", "--strict", "-f", str(REPO / "mkdocs.yml"), "-d", str(site)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=600,
    )


def suanli(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "suanli.cli", *args], cwd=cwd or REPO,
                          env={**os.environ, **(env or {})}, capture_output=True, text=True, timeout=300)


# Strings an author (or a pasted export) could bring: markup, script, quotes, backticks,
# template syntax and Markdown links. Each would set window.__pwned if it ever ran.
PAYLOADS = (
    '</script><script>window.__pwned=1</script>',
    '<img src=x onerror="window.__pwned=1">',
    "\"'`{{ x }}{% raw %}",
    "[点我](javascript:window.__pwned=1)",
)
HOSTILE = " ".join(PAYLOADS)


def hostile_data(root: Path) -> Path:
    """The minimal data folder with every free-text field, name and CSV cell made hostile."""
    h = HOSTILE.replace("'", "''")  # inside single-quoted YAML scalars
    minimal_data(root)
    write(root / "companies.yaml", COMPANIES.replace("name: 英伟达", f"name: '英伟达{h}'")
          .replace("aliases: [NVDA, 辉达]", f"aliases: [NVDA, '辉达{h}']")
          .replace("sector: 存储", f"sector: '存储{h}'"))
    issue = (ISSUE.replace("title: 测试周报", f"title: '测试周报{h}'")
             .replace("heading: 要点一", f"heading: '要点一{h}'")
             .replace("body: 正文", f"body: '正文 **粗体** {h}'")
             .replace("segment: 国产算力链", f"segment: '国产算力链{h}'")
             .replace("{name: 测试作者, role: 分析师}", f"{{name: '测试作者{h}', role: '分析师{h}'}}")
             .replace("title: 算力股价本周复盘}", f"title: '算力股价本周复盘{h}', source: '来源{h}', note: '注{h}'}}")
             .replace("exhibits:\n", f"exhibits:\n  - {{number: 9, kind: table, file: launches.csv, title: '表{h}'}}\n"))
    issue += f"risks: ['风险{h}']\nrelated:\n  - {{title: '报告{h}', date: 2024-12-01}}\n"
    issue += f"revisions:\n  - {{date: 2024-12-12, note: '更正{h}'}}\n"
    write(root / "issues/2024-12-11/issue.yaml", issue)
    cell = '"' + HOSTILE.replace('"', '""') + '"'
    write(root / "issues/2024-12-11/launches.csv", f"产品,亮点\n{cell},{cell}\n")
    write(root / "series/traffic.csv", TRAFFIC.replace("ChatGPT", cell))
    return root


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class serving:
    """Serve a built site on localhost for a `with` block (a thread, no reload, quiet)."""

    def __init__(self, site: Path, port: int):
        import functools
        import http.server

        class Quiet(http.server.SimpleHTTPRequestHandler):
            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", port),
                                                      functools.partial(Quiet, directory=str(site)))

    def __enter__(self):
        import threading

        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def built_for_browser(data: Path, site: Path) -> str:
    """Build `data` for a fresh local origin (instant navigation needs site_url to match); returns the origin."""
    origin = f"http://127.0.0.1:{free_port()}/"
    result = build(data, site, site_url=origin)
    assert result.returncode == 0, result.stderr
    return origin

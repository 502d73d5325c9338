"""Real MkDocs builds into temp folders, the HTML parsed and checked against the data."""

from __future__ import annotations

import csv
import re
from decimal import Decimal
from pathlib import Path

from bs4 import BeautifulSoup

from helpers import REAL_DATA, build, edit, minimal_data
from suanli.load.dataset import load_dataset


def page(site: Path, url_path: str) -> BeautifulSoup:
    return BeautifulSoup((site / url_path / "index.html").read_text(encoding="utf-8"), "lxml")


def csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def shown_number(cell: str, percent: bool) -> str:
    """How a stocks.csv cell must appear on the page: thousands grouped, % on percentages."""
    text = cell.removesuffix("%").replace(",", "")
    return format(Decimal(text), "f") + "%" if percent else format(Decimal(text), ",")


def assert_stock_rows_on_page(site: Path, data: Path, issue: str) -> int:
    soup = page(site, f"issues/{issue}")
    table = soup.select_one("table.suanli-stocks")
    assert table is not None
    rows = {
        tr.select_one("td.ticker").get_text(): [cell.get_text() for cell in tr.select("th, td")]
        for tr in table.select("tbody tr:not(.group)")
    }
    expected = csv_rows(data / "issues" / issue / "stocks.csv")
    units = {"USD": "亿美元", "CNY": "亿人民币"}
    names = {c.ticker: c.name for c in load_dataset(data).registry.companies}
    assert len(rows) == len(expected)
    for row in expected:
        assert rows[row["ticker"]] == [
            names[row["ticker"]],
            shown_number(row["week_pct"], True),
            shown_number(row["month_pct"], True),
            shown_number(row["ytd_pct"], True),
            shown_number(row["market_cap"], False),
            units[row["currency"]],
            row["ticker"],
        ]
    return len(expected)


def test_build_prints_no_warning_or_banner(real_build_log):
    lines = [line for line in real_build_log.splitlines() if line.strip()]
    unexpected = [line for line in lines if not (line.startswith("INFO") or line.startswith("  - "))]
    assert unexpected == []


def test_every_stocks_value_of_the_real_issue_is_on_its_page(real_site):
    assert assert_stock_rows_on_page(real_site, REAL_DATA, "2024-12-11") == 33


def test_every_stocks_value_of_every_demo_issue_is_on_its_page(demo_site, demo_data):
    issues = sorted(p.name for p in (demo_data / "issues").iterdir())
    assert sum(assert_stock_rows_on_page(demo_site, demo_data, issue) for issue in issues) > 0


def test_issue_page_follows_the_reports_order(real_site):
    soup = page(real_site, "issues/2024-12-11")
    content = soup.select_one("article")
    assert content.h1.get_text(strip=True).startswith("OpenAI 发布季重磅不断，AI 行业迎来新纪元")
    meta = content.select_one(".suanli-meta").get_text(" ", strip=True)
    for text in (
        "2024-12-11",
        "2024-12-09 至 2024-12-11",
        "电子",
        "强于大市",
        "维持评级",
        "陈海进",
        "S0210524060003",
        "徐巡",
        "李雅文",
        "联系人",
    ):
        assert text in meta
    headings = [h.get_text(strip=True).rstrip("¶") for h in content.select("h2")]
    assert headings == [
        "本周变化",  # the site's own: what changed against the issue before (first, before the report's sections)
        "投资要点",
        "大模型跟踪",
        "图表 1：算力股价本周复盘 (1209-1211)",
        "图表 9：OpenAI 12 天发布季汇总 (截至 12/11)",
        "建议关注",
        "风险提示",
        "相关报告",
    ]
    h3 = [h.get_text(strip=True).rstrip("¶") for h in content.select("h3")]
    assert h3[0] == "本周美股普遍低迷，云计算板块谷歌强势上涨。" and len(h3) == 4
    assert content.select_one("#exhibit-1 ~ figure figcaption").get_text() == (
        "来源：Wind, iFinD, 华福证券研究所注：以上市值、涨跌幅信息截至各地时间 2024 年 12 月 11 日"
    )
    launches = [[td.get_text() for td in tr.select("td")] for tr in content.select("#exhibit-9-table tbody tr")]
    assert launches[2] == ["day3", "12/9", "12/10", "Sora", "支持创建 1080p、20s 的视频, 新增故事板、融合等新功能"]


def test_stock_table_groups_by_sector_red_up_green_down(real_site):
    soup = page(real_site, "issues/2024-12-11")
    table = soup.select_one("table.suanli-stocks")
    sectors = [th.get_text() for th in table.select("th[scope=rowgroup]")]
    assert sectors == ["CPU/GPU", "存储", "晶圆代工", "云计算", "数据中心硬件", "先进封装"]
    for cell in table.select("td.num.up, td.num.down"):
        assert cell.get_text().startswith("-") == ("down" in cell["class"])
    assert len(table.select("td.up")) > 0 and len(table.select("td.down")) > 0


def test_recommendations_grouped_by_segment_with_tickers(real_site):
    items = page(real_site, "issues/2024-12-11").select("#recommendations + ul > li")
    texts = [li.get_text() for li in items]
    assert [t.split("：")[0] for t in texts] == ["端侧 SoC", "国产算力链", "数据中心硬件"]
    assert "寒武纪（688256.SH）" in texts[1] and "盛科通信（688702.SH）" in texts[1]


def test_legal_pages_are_linked_from_the_issue_and_exist(real_site):
    soup = page(real_site, "issues/2024-12-11")
    links = {a.get_text(): a["href"] for a in soup.select(".suanli-legal a")}
    assert set(links) == {"分析师声明", "一般声明", "特别声明", "投资评级声明"}
    for href in links.values():
        target = (real_site / "issues/2024-12-11" / href / "index.html").resolve()
        assert target.is_file()
    ratings = page(real_site, "legal/ratings").get_text()
    assert "强于大市" in ratings and "未来 6 个月内，行业整体回报高于市场基准指数 5%以上" in ratings


def test_home_leads_to_the_latest_issue(real_site, demo_site, demo_data):
    for site, latest in ((real_site, "2024-12-11"), (demo_site, max(p.name for p in (demo_data / "issues").iterdir()))):
        hrefs = [a["href"] for a in page(site, "").select("article a")]
        assert f"issues/{latest}/" in hrefs


def test_chart_csv_is_the_data_the_chart_draws(real_site, demo_site, demo_data):
    rows = csv_rows(real_site / "issues/2024-12-11/exhibit-1.csv")
    assert rows[0] == {
        "order": "1",
        "sector": "CPU/GPU",
        "ticker": "NVDA.O",
        "name": "英伟达",
        "market_cap": "33079",
        "unit": "亿美元",
        "week_pct": "-5.17",
        "month_pct": "-2.29",
        "ytd_pct": "172.82",
    }
    soup = page(demo_site, "issues/2024-12-11")
    charts = soup.select(".suanli-chart")
    assert {c["data-kind"] for c in charts} == {"stocks", "traffic", "downloads", "gpu_prices"}
    for chart in charts:
        assert (demo_site / "issues/2024-12-11" / chart["data-csv"]).is_file()
        link = chart.find_next("a", download=True)
        assert link["href"] == chart["data-csv"] and link["download"].endswith(".csv")
        assert chart["aria-label"].startswith("图表 ") and chart["aria-describedby"]
        # described by its data: the stock table itself, or the <details> the browser fills from the CSV
        described = soup.find(id=chart["aria-describedby"])
        assert described.name == ("table" if chart["data-kind"] == "stocks" else "details")
        if described.name == "details":
            assert (
                described.select_one(f'.suanli-table[data-table="{chart["data-kind"]}"] a')["href"] == chart["data-csv"]
            )


def test_no_cdn_and_no_inline_chart_specs(real_site, demo_site):
    for site in (real_site, demo_site):
        for html_file in site.rglob("*.html"):
            soup = BeautifulSoup(html_file.read_text(encoding="utf-8"), "lxml")
            for tag, attr in (("script", "src"), ("link", "href"), ("img", "src")):
                for element in soup.find_all(tag, attrs={attr: True}):
                    if {"canonical", "alternate"} & set(element.get("rel", [])):
                        continue  # the page's own address, not something the browser loads
                    assert not re.match(r"^(https?:)?//", element[attr]), (html_file, element[attr])
            assert not soup.select("article script"), html_file  # no chart spec (or any script) in page content
    assert (real_site / "assets/vendor/vega.min.js").is_file()
    assert (real_site / "assets/charts/stocks.light.json").is_file()


def test_demo_site_says_synthetic_on_every_page_and_the_real_one_never(real_site, demo_site):
    demo_pages = list(demo_site.rglob("*.html"))
    assert len(demo_pages) > 15
    banner = '<strong class="suanli-synthetic">示例数据</strong>'
    assert all(banner in p.read_text(encoding="utf-8") for p in demo_pages)
    assert not any(banner in p.read_text(encoding="utf-8") for p in real_site.rglob("*.html"))


def test_bad_data_stops_the_build_before_any_page(tmp_path):
    data = minimal_data(tmp_path / "data")
    edit(data / "issues/2024-12-11/stocks.csv", "2248,CNY", "2248亿,CNY")
    edit(data / "series/traffic.csv", "image,Midjourney", "images,Midjourney")
    site = tmp_path / "site"
    result = build(data, site)
    output = result.stdout + result.stderr
    assert result.returncode == 1
    assert "Traceback" not in output
    assert "2 errors in the data:" in output
    assert 'stocks.csv:3: market_cap: found "2248亿", expected a positive number like 33079 or 33,079' in output
    assert 'traffic.csv:3: category: found "images", expected one of text, image, video' in output
    assert not site.exists()


def test_bad_data_leaves_a_previous_site_untouched(tmp_path):
    data = minimal_data(tmp_path / "data")
    site = tmp_path / "site"
    assert build(data, site).returncode == 0
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    edit(data / "companies.yaml", "ticker: MU.O", "ticker: mu")
    assert build(data, site).returncode == 1
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before


HOSTILE_STRINGS = (
    '<img src=x onerror="window.pwned=1">',
    "</script><script>window.pwned=1</script>",
    "</title><script>window.pwned=1</script>",
)


def test_data_strings_are_escaped_in_pages(tmp_path):
    hostile = " ".join(HOSTILE_STRINGS)  # one build, every string in each field
    data = minimal_data(tmp_path / "data")
    edit(
        data / "issues/2024-12-11/issue.yaml", "title: 测试周报", f"title: '{hostile} [链接](javascript:x) {{{{ x }}}}'"
    )
    edit(data / "issues/2024-12-11/issue.yaml", "body: 正文", f"body: '{hostile} **粗体**'")
    edit(data / "companies.yaml", "name: 寒武纪", f"name: '寒武纪{hostile}'")
    site = tmp_path / "site"
    result = build(data, site)
    assert result.returncode == 0, result.stderr
    html = (site / "issues/2024-12-11/index.html").read_text(encoding="utf-8")
    assert "window.pwned" in html  # the text is there...
    soup = BeautifulSoup(html, "lxml")
    assert not soup.select("img[onerror]")  # ...but never as markup
    assert not any("pwned" in (s.string or "") for s in soup.find_all("script"))
    assert not soup.select('a[href^="javascript"]')
    assert hostile in soup.h1.get_text() and "{{ x }}" in soup.h1.get_text()
    assert soup.title.get_text().startswith(hostile)
    assert hostile in soup.select_one(".suanli-prose").get_text()


def test_archive_lists_every_issue_newest_first_grouped_by_year_and_month(demo_site, demo_data):
    soup = page(demo_site, "issues")
    issues = sorted((p.name for p in (demo_data / "issues").iterdir()), reverse=True)
    links = [a["href"] for a in soup.select("article li a")]
    assert links == [f"{slug}/" for slug in issues]
    assert all((demo_site / "issues" / href / "index.html").is_file() for href in links)
    years = [h.get_text(strip=True).rstrip("¶") for h in soup.select("article h2")]
    assert years == [f"{y} 年" for y in sorted({s[:4] for s in issues}, reverse=True)]
    months = [h["id"] for h in soup.select("article h3")]
    assert months == list(dict.fromkeys(f"y{s[:4]}-{s[5:7]}" for s in issues))
    first = soup.select_one("article li")
    dataset = load_dataset(demo_data)
    assert first.get_text() == f"{dataset.latest.slug} {dataset.latest.title} — {dataset.latest.highlights[0].heading}"


def test_latest_sends_readers_to_the_newest_issue(real_site, demo_site, demo_data):
    for site, newest in ((real_site, "2024-12-11"), (demo_site, max(p.name for p in (demo_data / "issues").iterdir()))):
        soup = page(site, "latest")
        assert soup.select_one('meta[http-equiv="refresh"]')["content"] == f"0; url=../issues/{newest}/"
        assert soup.select_one("article p a")["href"] == f"../issues/{newest}/"


def test_each_issue_links_to_its_previous_and_next(demo_site, demo_data):
    issues = sorted(p.name for p in (demo_data / "issues").iterdir())
    for i, slug in enumerate(issues):
        pager = page(demo_site, f"issues/{slug}").select_one("nav.suanli-pager")
        prev, nxt = pager.select_one("a.suanli-prev"), pager.select_one("a.suanli-next")
        assert (prev["href"] if prev else None) == (f"../{issues[i - 1]}/" if i > 0 else None)
        assert (nxt["href"] if nxt else None) == (f"../{issues[i + 1]}/" if i < len(issues) - 1 else None)
        assert pager.select_one("a.suanli-archive")["href"] == "../"


def test_revisions_show_as_a_correction_record(demo_site, demo_data):
    dataset = load_dataset(demo_data)
    revised = [issue for issue in dataset.issues if issue.revisions]
    assert revised, "the demo data should hold at least one revised issue"
    for issue in dataset.issues:
        soup = page(demo_site, f"issues/{issue.slug}")
        items = [li.get_text() for li in soup.select("#revisions + ul > li")]
        assert items == [f"{r.date.isoformat()} {r.note}" for r in issue.revisions]
